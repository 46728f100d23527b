using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>Thrown when a holder's available quantity is too small to sell, offer or pledge (409 with <c>available</c>).</summary>
public static class Oversell
{
    public static ConflictException Exception(Holder holder, MarketId market, Quantity available, Quantity requested, string verb = "sell")
    {
        var ex = new ConflictException(
            $"{holder} has {available.Tonnes} t/a of {market.Pollutant} available in {market.Region} (held − pledged − frozen) and cannot {verb} {requested.Tonnes} t/a.",
            "Not enough available quantity.");
        ex.Extensions["available"] = available.Tonnes;
        return ex;
    }
}

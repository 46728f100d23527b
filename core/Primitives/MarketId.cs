using System.Diagnostics.CodeAnalysis;

namespace Trading.Core.Primitives;

/// <summary>One market: a region and a pollutant. The ledger keeps one storage partition per market.</summary>
public readonly record struct MarketId(RegionCode Region, Pollutant Pollutant)
{
    /// <summary>Stable key, e.g. <c>131000-SO2</c>: used as the ledger partition key and inside trade ids.</summary>
    public string Key => $"{Region.Value}-{Pollutant}";

    public static bool TryParse(string? key, [NotNullWhen(true)] out MarketId? market)
    {
        market = null;
        if (key is null) return false;
        var dash = key.IndexOf('-');
        if (dash < 0) return false;
        if (!RegionCode.TryParse(key[..dash], out var region, out _)) return false;
        if (!Pollutants.TryParse(key[(dash + 1)..], out var pollutant)) return false;
        market = new MarketId(region, pollutant);
        return true;
    }

    public override string ToString() => Key;
}

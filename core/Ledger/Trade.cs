using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>A recorded trade: immutable, numbered in its market, chained to the previous trade by hash.</summary>
public sealed record Trade(
    TradeId Id,
    TradeRequest Request,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string PreviousHash,
    string Hash)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public long Sequence => Id.Sequence;

    /// <summary>SHA-256 over the trade's content and the previous trade's hash (a tamper-evident chain per market).</summary>
    public static string ComputeHash(TradeId id, TradeRequest r, DateTimeOffset recordedAt, string recordedBy, string previousHash)
    {
        var canonical = string.Join('|', "v1", id.ToString(), r.Seller.Value, r.Buyer.Value,
            r.Quantity.Grams.ToString(CultureInfo.InvariantCulture), r.UnitPrice.Fen.ToString(CultureInfo.InvariantCulture),
            r.TermYears.ToString(CultureInfo.InvariantCulture), r.Method.ToString(), r.TradedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            r.Amount.Fen.ToString(CultureInfo.InvariantCulture), r.Reference ?? "", recordedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            recordedBy, previousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public bool HashIsValid() => Hash == ComputeHash(Id, Request, RecordedAt, RecordedBy, PreviousHash);
}

/// <summary>
/// A holder's rights in one market. Invariant: held ≥ pledged + frozen ≥ 0, so available ≥ 0. A holding carries at most
/// one pledge at a time (<see cref="ActivePledge"/>).
/// </summary>
public sealed record Holding(Holder Holder, Quantity Held, Quantity Pledged, Quantity Frozen, string? ActivePledge = null)
{
    public static Holding Empty(Holder holder) => new(holder, Quantity.Zero, Quantity.Zero, Quantity.Zero);

    /// <summary>What the holder may sell or pledge: held − pledged − frozen.</summary>
    public Quantity Available => Held.Subtract(Pledged).Subtract(Frozen);
}

/// <summary>The market's head: last trade sequence and hash, allocation count and total allocated, pledge count.</summary>
public sealed record MarketHead(long Sequence, string LastHash, long AllocationCount, Quantity Allocated, long PledgeCount = 0)
{
    public static MarketHead Empty { get; } = new(0, Trade.GenesisHash, 0, Quantity.Zero);
}

/// <summary>
/// Counters of one market-month: number of trades, grams and fen traded. Live until the month is closed; then they hold
/// the figures recomputed from the trades, and the month takes no more trades.
/// </summary>
public sealed record MonthCounter(ReportingMonth Month, long Trades, long Grams, long Fen, bool Closed = false)
{
    public static MonthCounter Empty(ReportingMonth month) => new(month, 0, 0, 0);

    public MonthCounter With(Trade trade) => this with
    {
        Trades = checked(Trades + 1),
        Grams = checked(Grams + trade.Request.Quantity.Grams),
        Fen = checked(Fen + trade.Request.Amount.Fen),
    };
}

/// <summary>Thrown when a holder's available quantity is too small to sell or pledge (409 with <c>available</c>).</summary>
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

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// A recorded trade: immutable, numbered in its market, chained to the previous trade by hash. <see cref="OutsideBand"/>:
/// its unit price lay outside ±30 % of the market's reference price when it was recorded (only an official's direct
/// trade can); it counts in every volume and amount, never in a price.
/// </summary>
public sealed record Trade(
    TradeId Id,
    TradeRequest Request,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string PreviousHash,
    string Hash,
    bool OutsideBand = false) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public long Sequence => Id.Sequence;

    /// <summary>
    /// SHA-256 over the trade's content and the previous trade's hash (a tamper-evident chain per market). An out-of-band
    /// trade's flag is part of its content (appended only when set, so the hashes of earlier trades stay valid).
    /// </summary>
    public static string ComputeHash(TradeId id, TradeRequest r, DateTimeOffset recordedAt, string recordedBy, string previousHash,
        bool outsideBand = false)
    {
        var canonical = string.Join('|', "v1", id.ToString(), r.Seller.Value, r.Buyer.Value,
            r.Quantity.Grams.ToString(CultureInfo.InvariantCulture), r.UnitPrice.Fen.ToString(CultureInfo.InvariantCulture),
            r.TermYears.ToString(CultureInfo.InvariantCulture), r.Method.ToString(), r.TradedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            r.Amount.Fen.ToString(CultureInfo.InvariantCulture), r.Reference ?? "", recordedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            recordedBy, previousHash) + (outsideBand ? "|outsideBand" : "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public bool HashIsValid() => Hash == ComputeHash(Id, Request, RecordedAt, RecordedBy, PreviousHash, OutsideBand);
}

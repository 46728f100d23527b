using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>A recorded trade: immutable, numbered in its market, chained to the previous trade by hash.</summary>
public sealed record Trade(
    TradeId Id,
    TradeRequest Request,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    string PreviousHash,
    string Hash) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

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

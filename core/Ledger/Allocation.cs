using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>A recorded allocation; only its revocation is ever added to it.</summary>
public sealed record Allocation(long Number, AllocationRequest Request, DateTimeOffset RecordedAt, string RecordedBy, Revocation? Revoked = null) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public string Id => IdOf(Request.Market, Number);

    public static string IdOf(MarketId market, long number) => $"{market.Key}-A{number}";

    public static bool TryParseId(string? text, out MarketId market, out long number) => OfferIds.TryParse(text, "-A", out market, out number);
}

using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market.UseCases;

/// <summary>An official puts part of the market's reserve up for auction (竞价): its quantity is frozen at once (409 with <c>available</c>).</summary>
public sealed record CreateAuction(AuctionRequest Request) : IMarketUseCase<Auction>
{
    public MarketId Market => Request.Market;
    public string Action => "auction.created";
    public string? Fingerprint => Request.Fingerprint();

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context) => new() { Holders = [Holder.Reserve] };

    public Decision<Auction> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        Access.MarketAccess.RequireMayAuction(context.Caller, Market);
        var head = snapshot.Head.Value;
        var number = checked(head.AuctionCount + 1);
        var reserve = snapshot.Holding(Holder.Reserve);
        var auction = new Auction(number, Request, AuctionStatus.Open, context.Now, context.Caller.Id);
        return new Decision<Auction>(auction, [RowChange.New(auction), RowChange.Of(reserve, reserve.Value.Freeze(Market, Request.Quantity, "auction"))],
            head with { AuctionCount = number, OpenAuctions = head.OpenAuctions + 1 }, [new AuditEntry(Action, auction.Id)]) { ResourceId = auction.Id };
    }
}

using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Market.UseCases;

/// <summary>
/// One step of closing an auction past its <c>closesAt</c>: records the next winners' trades (at most
/// <see cref="MaxWinnersPerStep"/>; seller the reserve, each winner's own price, dated <c>closesAt</c>, method Auction)
/// together with the auction's progress and each bid's result, or, when every winner is settled, closes the auction and
/// returns what was not sold to the reserve, telling each bidder its result (<c>auction.closed</c>; at most
/// <see cref="MaxNoticesPerStep"/> per step: an auction with more bidders notifies them over several steps, counted in
/// <see cref="Auction.Notified"/>, before it closes). Each step is one transaction, so a settlement stopped at any point resumes
/// at the next winner and never settles one twice; a closed auction answers as it is. Given the auction's
/// <see cref="AuctionRanking"/> (ranked once by the timer after the first step), a step reads the rows of the winners it
/// settles only, not every bid; without one, or with one that cannot serve the step (the auction still open, or the
/// notices due and the ranking without the results), the step reads and ranks every bid itself.
/// </summary>
public sealed record SettleAuction(MarketId Market, long Number, AuctionRanking? Ranking = null) : IMarketUseCase<Auction>
{
    /// <summary>Winners per transaction: each writes 6 rows (trade, its index row, holding, bid, two audit records) beside 5 shared ones.</summary>
    public const int MaxWinnersPerStep = 12;

    /// <summary>Bidders told their result per transaction: each is one event row beside the auction, reserve, head and audit rows.</summary>
    public const int MaxNoticesPerStep = 90;

    public string Action => "auction.settled";

    public MarketReads Reads(MarketSnapshot? loaded, UseCaseContext context)
    {
        var reads = new MarketReads { Auctions = [Number], BidsOf = Ranking is null ? [Number] : [] };
        if (loaded?.Auctions.GetValueOrDefault(Number) is not { Exists: true } row) return reads;
        var ranked = Uses(row.Value);
        if (!ranked) reads = reads with { BidsOf = [Number] };
        if (!ranked && loaded.BidsOf.GetValueOrDefault(Number) is null) return reads;
        var next = NextWinners(row.Value, loaded);
        var closesAt = row.Value.Request.ClosesAt;
        if (ranked) reads = reads with { Bids = next.Select(w => (Number, w.Bid.Bidder)).ToList() };
        return next.Count == 0
            ? reads with { Holders = [Holder.Reserve] }
            : reads.Union(Settlement.Reads(Holder.Reserve, Holder.Reserve, closesAt, context.Now)) with { Holders = [Holder.Reserve, .. next.Select(w => w.Bid.Bidder)] };
    }

    /// <summary>Whether this step settles from the given ranking (else from every bid, read and ranked here).</summary>
    private bool Uses(Auction auction) => Ranking is { } r && r.Serves(auction);

    private IReadOnlyList<(Bid Bid, Quantity Quantity)> NextWinners(Auction auction, MarketSnapshot snapshot) =>
        (Uses(auction) ? Ranking!.Winners : AuctionBook.Allocate(auction.Request.Quantity, auction.Request.MinLot, snapshot.BidsOf[Number].Select(b => b.Value)))
            .Skip(auction.Settled).Take(MaxWinnersPerStep).ToList();

    /// <summary>The bid row of a winner: from the ranking's own reads (checked against it) or from every bid.</summary>
    private Versioned<Bid> BidRow(Auction auction, MarketSnapshot snapshot, Bid bid)
    {
        if (!Uses(auction)) return snapshot.BidsOf[Number].Single(b => b.Value.Bidder == bid.Bidder);
        var row = snapshot.Bids[(Number, bid.Bidder)];
        if (!row.Exists || row.Value with { Filled = null, TradeSequence = null } != bid with { Filled = null, TradeSequence = null })
            throw new InvalidOperationException($"The ranking of auction {auction.Id} does not hold {bid.Bidder}'s bid as it is stored.");
        return row;
    }

    public Decision<Auction> Decide(MarketSnapshot snapshot, UseCaseContext context)
    {
        if (context.Caller.Role != Access.Role.Admin) throw new ForbiddenException("Auctions are settled by the CloseAuctions timer.");
        if (snapshot.Auctions.GetValueOrDefault(Number) is not { Exists: true } row) throw new NotFoundException($"No auction {Auction.IdOf(Market, Number)}.");
        var auction = row.Value;
        if (!auction.IsDue(context.Now)) return Decision<Auction>.Unchanged(auction);
        var r = auction.Request;
        var head = snapshot.Head.Value;

        var winners = NextWinners(auction, snapshot);
        if (winners.Count > 0)
        {
            // Each winner settles on the rows as the previous one left them (the versions stay those read); the last
            // value written to a row is the one committed.
            var changes = new Dictionary<string, RowChange>(StringComparer.Ordinal);
            var audit = new List<AuditEntry>();
            var events = new List<Writes.EventEntry>();
            var working = snapshot;
            var progressed = auction;
            foreach (var (bid, quantity) in winners)
            {
                var trade = new TradeRequest(Market, Holder.Reserve, bid.Bidder, quantity, bid.UnitPrice, r.TermYears, TradeMethod.Auction,
                    r.ClosesAt, Amounts.TradeAmount(quantity, bid.UnitPrice, r.TermYears), auction.Id);
                var settled = Settlement.Settle(trade, working, head, context.Now, context.Caller.Id, unfreezing: quantity);
                head = settled.Head;
                events.AddRange(settled.Events); // trade.settled to the winner (the seller is the reserve)
                foreach (var change in settled.Changes) changes[Key(change.Row)] = change;
                working = working.Apply(settled.Changes);
                var bidRow = BidRow(auction, snapshot, bid);
                changes["bid:" + bid.Bidder] = RowChange.Of(bidRow, bidRow.Value with { Filled = quantity, TradeSequence = settled.Trade.Sequence });
                progressed = progressed with { Status = AuctionStatus.Closing, Settled = progressed.Settled + 1, Sold = progressed.Sold.Add(quantity) };
                audit.Add(new AuditEntry("auction.won", auction.Id + "/" + bid.Bidder));
                audit.Add(new AuditEntry("trade.recorded", settled.Trade.Id.ToString()));
            }
            return new Decision<Auction>(progressed, [RowChange.Of(row, progressed), .. changes.Values], head, audit) { Events = events };
        }

        var bidders = Uses(auction) ? Ranking!.Ranked : AuctionBook.Ranked(snapshot.BidsOf[Number].Select(b => b.Value)).ToList();
        var notices = bidders.Skip(auction.Notified).Take(MaxNoticesPerStep).ToList();
        if (auction.Notified + notices.Count < bidders.Count)
        {
            // More bidders than one transaction holds: tell these, close at a later step.
            var notifying = auction with { Status = AuctionStatus.Closing, Notified = auction.Notified + notices.Count };
            return new Decision<Auction>(notifying, [RowChange.Of(row, notifying)], null, [new AuditEntry("auction.notified", auction.Id)])
            {
                Events = Notices(notifying, bidders, notices),
            };
        }
        var reserve = snapshot.Holding(Holder.Reserve);
        var closed = auction with { Status = AuctionStatus.Closed, ClosedAt = context.Now, Notified = bidders.Count };
        return new Decision<Auction>(closed, [RowChange.Of(row, closed), RowChange.Of(reserve, reserve.Value.Unfreeze(r.Quantity.Subtract(auction.Sold)))],
            head with { OpenAuctions = head.OpenAuctions - 1 }, [new AuditEntry("auction.closed", auction.Id)])
        {
            Events = Notices(closed, bidders, notices),
        };
    }

    /// <summary><c>auction.closed</c> to each bidder of <paramref name="notices"/>, with its own result.</summary>
    private static IReadOnlyList<Writes.EventEntry> Notices(Auction auction, IReadOnlyList<Bid> bids, IEnumerable<Bid> notices) =>
        notices.SelectMany(b => Writes.EventTypes.To(Writes.EventTypes.AuctionClosed, new AuctionResult(auction, bids, b), Writes.EventRecipient.Of(b.Bidder))).ToList();

    private static string Key(object row) => row switch
    {
        Holding h => "holding:" + h.Holder,
        MonthCounter m => "month:" + m.Month,
        DayCounter d => "day:" + d.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Trade t => "trade:" + t.Sequence,
        _ => throw new InvalidOperationException(row.GetType().Name),
    };
}

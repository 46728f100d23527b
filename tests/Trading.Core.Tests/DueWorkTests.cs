using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Market;
using Trading.Core.Market.UseCases;
using Trading.Core.Primitives;
using Trading.Core.Tests.Support;

namespace Trading.Core.Tests;

/// <summary>What a change leaves due, and when an index entry of it may go (decision 0012).</summary>
public sealed class DueWorkTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly MarketId Market = new(RegionCode.Parse("131000"), Pollutant.NOx);
    private static readonly Principal Official = Principal.Official(RegionPrefix.Parse("1310"));
    private static readonly Holder Seller = Holder.Of(CreditCode.FromBody("91131000MA0000001"));

    private static UseCaseContext Ctx(Principal who, string? key = null, DateTimeOffset? at = null) =>
        new(who, at ?? Now, key is null ? null : Hashing.Sha256Hex(who.Id + "\n" + key));

    private static Quantity T(decimal tonnes) => Quantity.FromGrams((long)(tonnes * 1_000_000));

    private static InMemoryMarket MarketWithRights()
    {
        var market = new InMemoryMarket(Market);
        market.Run(new Allocate(new AllocationRequest(Market, Seller, T(5m), "permit")), Ctx(Official, "a1"));
        market.Run(new Allocate(new AllocationRequest(Market, Holder.Reserve, T(5m), "reserve")), Ctx(Official, "a2"));
        return market;
    }

    [Fact]
    public void A_new_listing_is_due_at_its_expiry_and_a_new_auction_at_its_close_and_nothing_else_is_due()
    {
        var market = MarketWithRights();
        var listed = market.Run(new PostListing(new ListingRequest(Market, Seller, T(1m), Money.FromFen(500_000), 3, T(1m), Now.AddMinutes(5))),
            Ctx(Principal.Enterprise(Seller.Enterprise!.Value), "l"));
        Assert.Equal([new DueItem(DueKind.Listing, listed.Answer!.Number, Now.AddMinutes(5))], DueWork.Created(listed.Changes));

        var request = new AuctionRequest(Market, T(1m), 5, Money.FromFen(2_100_000), Money.FromFen(50_000), T(0.5m), Now, Now.AddHours(2));
        var created = market.Run(new CreateAuction(request), Ctx(Official, "auction"));
        var due = Assert.Single(DueWork.Created(created.Changes));
        Assert.Equal((DueKind.Auction, Now.AddHours(2), true), (due.Kind, due.DueAt, due.IsClose));

        // A change that only replaces rows (the listing withdrawn) or records a trade creates nothing due.
        var withdrawn = market.Run(new WithdrawListing(Market, listed.Answer.Number), Ctx(Principal.Enterprise(Seller.Enterprise!.Value)));
        Assert.Empty(DueWork.Created(withdrawn.Changes));
        Assert.Null(DueWork.Of(withdrawn.Answer!));
        Assert.Null(DueWork.Of(market.Auction(created.Answer!.Number) with { Status = AuctionStatus.Closed }));
    }

    [Fact]
    public void Buckets_are_utc_minutes_that_sort_in_time_order()
    {
        Assert.Equal("202611230200", DueWork.Bucket(Now));
        Assert.Equal("202611230200", DueWork.Bucket(Now.AddSeconds(59)));
        var times = Enumerable.Range(0, 500).Select(i => Now.AddMinutes(i * 137.3)).ToList();
        Assert.Equal(times.Select(DueWork.Bucket), times.Select(DueWork.Bucket).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(DueKind.Proposal, true, false, 0, true)]         // ended (taken, withdrawn, expired): goes at once
    [InlineData(DueKind.Listing, true, true, 60, false)]         // still open: stays
    [InlineData(DueKind.Auction, false, false, 60, false)]       // absent, written a minute ago: its commit may still land
    [InlineData(DueKind.Pledge, false, false, 360, true)]        // absent after the settling time: its commit failed
    [InlineData(DueKind.ApplicationStep, true, false, 60, false)] // a step's row was there before the change: it waits for the change to land
    [InlineData(DueKind.ApplicationStep, true, false, 360, true)]
    [InlineData(DueKind.LoanStep, true, true, 3600, false)]      // a step still left: stays, however old
    public void An_entry_goes_once_its_row_no_longer_waits_on_it_or_never_came(DueKind kind, bool exists, bool stillDue, int ageSeconds, bool drop) =>
        Assert.Equal(drop, DueWork.CanDrop(new DueItem(kind, 1, Now), exists, stillDue, Now.AddSeconds(-ageSeconds), Now));

    [Fact]
    public void A_bank_change_leaves_due_each_step_at_once_and_each_new_application_at_its_30_days()
    {
        var bank = Access.BankId.TryParse("ICBC-LF", out var b, out _) ? b : default;
        var application = new Loans.LoanApplication(bank, 7, "p1", CreditCode.FromBody("91131000MA0000001"), Money.FromFen(100_000_00), null,
            Loans.ApplicationStatus.Submitted, Now);
        Assert.Equal([new DueItem(DueKind.ApplicationExpiry, 7, Now + Loans.LoanApplication.Lifetime)],
            DueWork.OfBank([RowChange.New(application)], Now.AddMinutes(1)));
        var approving = application with { Status = Loans.ApplicationStatus.Approving };
        Assert.Equal([new DueItem(DueKind.ApplicationStep, 7, Now.AddMinutes(1))],
            DueWork.OfBank([new RowChange(approving, "v1")], Now.AddMinutes(1)));
        Assert.Empty(DueWork.OfBank([new RowChange(application with { Status = Loans.ApplicationStatus.Granted }, "v2")], Now));
        Assert.True(DueWork.StillDue(new DueItem(DueKind.ApplicationStep, 7, Now), approving));
        Assert.False(DueWork.StillDue(new DueItem(DueKind.ApplicationExpiry, 7, Now), approving));
    }
}

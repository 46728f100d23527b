namespace Trading.Core.Writes;

/// <summary>The event types of api.md's table ("Events and inbox").</summary>
public static class EventTypes
{
    public const string ProposalReceived = "trade.proposal.received";
    public const string TradeSettled = "trade.settled";
    public const string PledgeRequested = "pledge.requested";
    public const string PledgeAccepted = "pledge.accepted";
    public const string PledgeReleased = "pledge.released";
    public const string ListingTaken = "listing.taken";
    public const string AuctionClosed = "auction.closed";
    public const string AllocationMade = "allocation.made";
    public const string AllocationRevoked = "allocation.revoked";
    public const string ApplicationSubmitted = "loan.application.submitted";
    public const string ApplicationDecided = "loan.application.decided";
    public const string AlertDeclared = "alert.declared";
    public const string AlertLifted = "alert.lifted";

    /// <summary>One event of <paramref name="type"/> about <paramref name="resource"/> to each recipient named (null: nobody, as the reserve), once each.</summary>
    public static IReadOnlyList<EventEntry> To(string type, object resource, params string?[] recipients) =>
        recipients.OfType<string>().Distinct(StringComparer.Ordinal).Select(r => new EventEntry(type, r, resource)).ToList();
}

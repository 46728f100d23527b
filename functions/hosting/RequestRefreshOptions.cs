namespace Trading.Functions.Hosting;

/// <summary>
/// How a product PUT refreshes its matches: on the request path for at most <see cref="Budget"/> (setting
/// <c>Trading:RequestRefreshBudget</c>, a time span, default <see cref="DefaultBudget"/>) and <see cref="Steps"/> (setting
/// <c>Trading:RequestRefreshSteps</c>, default <see cref="DefaultSteps"/>: a page of up to 1,000 firms read, or a
/// transaction of up to 100 pairs written, is a step; the writes are counted before they start), then, when that was not
/// enough, in the background (<see cref="Background"/>, setting <c>Trading:BackgroundRefresh</c>, default true; off, the
/// product's dirty mark leaves it to the next RefreshMatches run).
/// </summary>
public sealed record RequestRefreshOptions(TimeSpan Budget, long Steps, bool Background)
{
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(5);

    /// <summary>About 1 s of transactions on Azure storage; a nationwide product's pages (40 for 40,000 firms) leave 100 or so for writes.</summary>
    public const long DefaultSteps = 150;
}

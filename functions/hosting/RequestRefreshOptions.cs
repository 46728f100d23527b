namespace Trading.Functions.Hosting;

/// <summary>
/// How a product PUT refreshes its matches: on the request path for at most <see cref="Budget"/> (setting
/// <c>Trading:RequestRefreshBudget</c>, a time span, default <see cref="DefaultBudget"/>), then, when that was not
/// enough, in the background (<see cref="Background"/>, setting <c>Trading:BackgroundRefresh</c>, default true; off, the
/// product's dirty mark leaves it to the next RefreshMatches run).
/// </summary>
public sealed record RequestRefreshOptions(TimeSpan Budget, bool Background)
{
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(5);
}

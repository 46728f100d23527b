namespace Trading.Core.Alerts;

/// <summary>
/// How far the alert's events have gone out to the firms of its region: the firms are told in steps (a transaction holds at
/// most 100 rows, a region up to 20,000 firms), in the order of the by-region list, each step's events committed with the
/// cursor that follows them (the last firm told, as <c>region|creditCode</c>). <c>alert.declared</c> goes out first; once
/// lifted, <c>alert.lifted</c> after it.
/// </summary>
public sealed record AlertNotices(string? DeclaredAfter = null, bool DeclaredDone = false, long DeclaredSent = 0,
    string? LiftedAfter = null, bool LiftedDone = false, long LiftedSent = 0)
{
    public static AlertNotices None { get; } = new();
}

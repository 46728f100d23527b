namespace Trading.Core.Ledger;

/// <summary>
/// Adds to a stored 64-bit counter or sum. A write that would carry one past <see cref="long.MaxValue"/> is refused
/// with 422 naming the counter and its limit, so nothing of it is written (a use case throws before it returns rows).
/// </summary>
public static class Counters
{
    public static long Add(long counter, long value, string what, string where)
    {
        try { return checked(counter + value); }
        catch (OverflowException)
        {
            throw new RuleViolationException(
                $"The {what} of {where} would exceed the ledger's limit of {long.MaxValue:N0} with this trade; nothing was written.",
                "Beyond the ledger's range.");
        }
    }
}

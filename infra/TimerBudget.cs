namespace Trading.Infra;

/// <summary>
/// How much one timer run may do: it stops cleanly before <see cref="Deadline"/> (and, for tests, after
/// <see cref="StepLimit"/> pieces of work), leaving the rest for the next run. A timer asks <see cref="TrySpend"/> before
/// each piece of work (one committed step: a market's expiries, a winner settled, a market-month closed); when it answers
/// false the timer returns, with every piece it did committed and every piece it did not left where the next run finds it.
/// </summary>
public sealed class TimerBudget
{
    private readonly TimeProvider _time;
    private long _steps;

    public TimerBudget(TimeProvider time, TimeSpan duration, long? stepLimit = null)
    {
        _time = time;
        Deadline = time.GetUtcNow() + duration;
        StepLimit = stepLimit;
    }

    /// <summary>A budget without limit (a test's uninterrupted run, a bench's baseline).</summary>
    public static TimerBudget Unbounded(TimeProvider time) => new(time, TimeSpan.FromDays(3650));

    /// <summary>When the run must have stopped taking new work.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>At most this many pieces of work in the run (null: no limit); tests stop runs at chosen points with it.</summary>
    public long? StepLimit { get; }

    /// <summary>How many pieces of work the run has been allowed so far.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Whether the run stopped for its budget (some work was refused).</summary>
    public bool Stopped { get; private set; }

    /// <summary>
    /// Whether one more piece of work (of <paramref name="steps"/> steps) may start; false once the deadline has passed or
    /// the step limit would be passed.
    /// </summary>
    public bool TrySpend(long steps = 1)
    {
        if (!CanGoOn()) return false;
        if (Interlocked.Add(ref _steps, steps) <= (StepLimit ?? long.MaxValue)) return true;
        Interlocked.Add(ref _steps, -steps);
        Stopped = true;
        return false;
    }

    /// <summary>
    /// Whether the run may go on looking without spending a step: for a look that may find nothing to do (a pending mark
    /// whose partition was copied already), which then costs no step; <see cref="Spend"/> counts it when it did work.
    /// </summary>
    public bool CanGoOn()
    {
        if (Stopped) return false;
        if (_time.GetUtcNow() < Deadline && (StepLimit is not { } limit || Steps < limit)) return true;
        Stopped = true;
        return false;
    }

    /// <summary>Counts a piece of work found by a look that <see cref="CanGoOn"/> allowed.</summary>
    public void Spend() => Interlocked.Increment(ref _steps);

    /// <summary>The log line of a run that stopped for its budget.</summary>
    public string StoppedLine(string what) => $"Stopped at the time budget after {Steps} step(s); {what} continues at the next run.";
}

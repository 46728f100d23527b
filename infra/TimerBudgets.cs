namespace Trading.Infra;

/// <summary>
/// Where timer runs get their <see cref="TimerBudget"/>: <see cref="Duration"/> (setting <c>Trading:TimerBudget</c>, a
/// time span, default 4 minutes: under the Consumption plan's 5-minute function timeout) and, for tests only,
/// <see cref="StepLimit"/> (<c>Trading:TimerStepLimit</c>).
/// </summary>
public sealed class TimerBudgets(TimeProvider time, TimeSpan? duration = null, long? stepLimit = null)
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(4);

    public TimeSpan Duration { get; set; } = duration ?? DefaultDuration;

    public long? StepLimit { get; set; } = stepLimit;

    /// <summary>A fresh budget for one run, starting now.</summary>
    public TimerBudget Start() => new(time, Duration, StepLimit);
}

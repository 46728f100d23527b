namespace Trading.Functions.Hosting;

/// <summary>A timer-triggered function: a 6-field NCrontab schedule in UTC and the work it does; returns log lines.</summary>
public sealed record TimerFunction(string Name, string Schedule, Func<IServiceProvider, CancellationToken, Task<IReadOnlyList<string>>> Run)
    : FunctionDeclaration(Name);

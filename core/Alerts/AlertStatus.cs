namespace Trading.Core.Alerts;

/// <summary>An alert before its start, in force, or ended (past its end or lifted).</summary>
public enum AlertStatus
{
    Scheduled,
    Active,
    Ended,
}

using Trading.Core.Enterprises;

namespace Trading.Core.Alerts;

/// <summary>
/// An alert as one firm sees it at <see cref="At"/>: the alert and the firm's measure under it, and whether it is the alert
/// the firm follows (the highest in force over its region). The data of <c>alert.declared</c> / <c>alert.lifted</c>.
/// </summary>
public sealed record AlertNotice(Alert Alert, Enterprise Firm, FirmMeasure Measure, DateTimeOffset At, bool Follows = true);

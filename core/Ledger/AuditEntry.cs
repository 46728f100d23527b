namespace Trading.Core.Ledger;

/// <summary>A line of the audit trail that a decision adds: what was done to which resource.</summary>
public sealed record AuditEntry(string Action, string Subject);

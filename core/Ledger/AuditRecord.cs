using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>
/// The audit record of one accepted change, written in the change's own transaction (numbered per market by the head's
/// audit count) and copied to the blob trail afterwards. <see cref="Details"/> is the answer the caller got (JSON).
/// </summary>
public sealed record AuditRecord(MarketId Market, long Number, string Action, string Subject, string Who, DateTimeOffset At,
    string? TraceId, string? Details);

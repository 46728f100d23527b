using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>What a revocation (收回) took back from an allocation's holder into the reserve, and why.</summary>
public sealed record Revocation(Quantity Quantity, string Reason, DateTimeOffset At, string By);

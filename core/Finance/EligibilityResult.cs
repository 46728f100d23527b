using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>The answer for one product and one firm: eligible or not, the limit, and why.</summary>
/// <param name="Reasons">Every unmet criterion, in words a person can read; empty when eligible.</param>
/// <param name="Notes">What else a reader should know (e.g. a market that could not be valued) even when eligible.</param>
public sealed record EligibilityResult(bool Eligible, Money? Limit, IReadOnlyList<string> Reasons, IReadOnlyList<string> Notes, PerformanceGrade GradeInForce);

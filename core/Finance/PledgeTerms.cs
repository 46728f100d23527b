using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>Pledge terms of a 排污权质押贷款: which pollutants' rights are pledged, and the loan-to-value ratio (0, 1].</summary>
public sealed record PledgeTerms(IReadOnlyList<Pollutant> Pollutants, decimal LoanToValue);

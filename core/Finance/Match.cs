using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>An eligible (product, firm) pair and its limit: what the <c>eligible</c> queries list.</summary>
public sealed record Match(LoanProduct Product, Enterprise Firm, PerformanceGrade Grade, Money Limit);

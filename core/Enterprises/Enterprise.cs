using Trading.Core.Primitives;

namespace Trading.Core.Enterprises;

/// <summary>A registered enterprise (排污单位): identity, region, industry and its grades.</summary>
public sealed record Enterprise(
    CreditCode CreditCode,
    string Name,
    RegionCode Region,
    Industry Industry,
    PerformanceGrade Grade,
    DateOnly? GradeValidUntil,
    bool PositiveList,
    CreditRating CreditRating,
    DateTimeOffset UpdatedAt);

using Trading.Core.Primitives;

namespace Trading.Core.Alerts;

/// <summary>An area's rule for one industry and grade (cement, B: cut 20 % at orange, stop at red), per level.</summary>
public sealed record IndustryRule(Industry Industry, PerformanceGrade Grade, RuleLevel? Yellow, RuleLevel? Orange, RuleLevel? Red)
{
    public RuleLevel? At(AlertLevel level) => level switch
    {
        AlertLevel.Yellow => Yellow,
        AlertLevel.Orange => Orange,
        _ => Red,
    };
}

namespace Trading.Core.Primitives;

/// <summary>
/// Performance grade (环保绩效分级), declared best first. <see cref="Leading"/> counts as A for every comparison;
/// an expired grade counts as <see cref="Ungraded"/>.
/// </summary>
public enum PerformanceGrade
{
    APlus,
    A,
    Leading,
    B,
    BMinus,
    C,
    D,
    Ungraded,
}

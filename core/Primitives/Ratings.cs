namespace Trading.Core.Primitives;

public static class Ratings
{
    /// <summary>Rank for comparison, lower is better; Leading ranks with A.</summary>
    public static int Rank(this PerformanceGrade grade) => grade switch
    {
        PerformanceGrade.APlus => 0,
        PerformanceGrade.A or PerformanceGrade.Leading => 1,
        PerformanceGrade.B => 2,
        PerformanceGrade.BMinus => 3,
        PerformanceGrade.C => 4,
        PerformanceGrade.D => 5,
        _ => 6,
    };

    /// <summary>The grade in force on <paramref name="today"/>: after its valid-until date a grade is Ungraded.</summary>
    public static PerformanceGrade InForce(PerformanceGrade grade, DateOnly? validUntil, DateOnly today) =>
        grade != PerformanceGrade.Ungraded && validUntil is { } until && today > until ? PerformanceGrade.Ungraded : grade;

    public static bool TryParseGrade(string? text, out PerformanceGrade grade) => TryParseName(text, out grade);
    public static bool TryParseRating(string? text, out CreditRating rating) => TryParseName(text, out rating);

    /// <summary>By declared name only, case-sensitive: no numbers, no aliases.</summary>
    public static bool TryParseName<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        if (text is null) return false;
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (candidate.ToString() == text) { value = candidate; return true; }
        }
        return false;
    }

    public static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>());
}

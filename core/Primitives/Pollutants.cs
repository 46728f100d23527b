namespace Trading.Core.Primitives;

public static class Pollutants
{
    public static IReadOnlyList<Pollutant> All { get; } = Enum.GetValues<Pollutant>();

    /// <summary>Case-sensitive, by name only (no numeric values).</summary>
    public static bool TryParse(string? text, out Pollutant pollutant)
    {
        pollutant = default;
        if (text is null) return false;
        foreach (var p in All)
        {
            if (p.ToString() == text) { pollutant = p; return true; }
        }
        return false;
    }

    public static string Names => string.Join(", ", All);
}

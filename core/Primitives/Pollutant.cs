namespace Trading.Core.Primitives;

/// <summary>Traded pollutants: water COD, NH3N, TN, TP; air SO2, NOx, PM, VOCs.</summary>
public enum Pollutant
{
    COD,
    NH3N,
    TN,
    TP,
    SO2,
    NOx,
    PM,
    VOCs,
}

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

using System.Diagnostics.CodeAnalysis;

namespace Trading.Core.Primitives;

/// <summary>
/// A quantity of a pollutant right in grams per year (1 t/a = 1,000,000 g/a). On the wire it is tonnes per
/// year with at most 6 decimals. Invariant: never negative.
/// </summary>
public readonly record struct Quantity : IComparable<Quantity>
{
    public const long GramsPerTonne = 1_000_000;

    /// <summary>Largest quantity one request may carry: one billion tonnes per year.</summary>
    public static readonly Quantity MaxPerRequest = new(1_000_000_000L * GramsPerTonne);

    public long Grams { get; }

    private Quantity(long grams) => Grams = grams;

    public static Quantity Zero => default;

    public static Quantity FromGrams(long grams) =>
        grams >= 0 ? new Quantity(grams) : throw new ArgumentOutOfRangeException(nameof(grams), "a quantity is never negative");

    /// <summary>Tonnes per year with at most 6 decimals, strictly positive, at most <see cref="MaxPerRequest"/>.</summary>
    public static bool TryFromTonnes(decimal tonnes, out Quantity quantity, [NotNullWhen(false)] out string? error)
    {
        quantity = default;
        if (tonnes <= 0) { error = "must be greater than 0"; return false; }
        if (tonnes > MaxPerRequest.Tonnes) { error = $"must be at most {MaxPerRequest.Tonnes} t/a"; return false; }
        var grams = tonnes * GramsPerTonne;
        if (grams != decimal.Truncate(grams)) { error = "has more than 6 decimals (1 g)"; return false; }
        quantity = new Quantity((long)grams);
        error = null;
        return true;
    }

    /// <summary>Tonnes per year, exact, without trailing zeros.</summary>
    public decimal Tonnes => Normalize((decimal)Grams / GramsPerTonne);

    public Quantity Add(Quantity other) => new(checked(Grams + other.Grams));

    /// <summary>Subtracts, refusing to go below zero.</summary>
    public Quantity Subtract(Quantity other) =>
        other.Grams <= Grams ? new Quantity(Grams - other.Grams) : throw new InvalidOperationException("a quantity never goes negative");

    public int CompareTo(Quantity other) => Grams.CompareTo(other.Grams);
    public static bool operator <(Quantity a, Quantity b) => a.Grams < b.Grams;
    public static bool operator >(Quantity a, Quantity b) => a.Grams > b.Grams;
    public static bool operator <=(Quantity a, Quantity b) => a.Grams <= b.Grams;
    public static bool operator >=(Quantity a, Quantity b) => a.Grams >= b.Grams;

    internal static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    public override string ToString() => $"{Tonnes} t/a";
}

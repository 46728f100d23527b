using System.Diagnostics.CodeAnalysis;

namespace Trading.Core.Primitives;

/// <summary>An amount of CNY in fen (0.01 CNY). On the wire, yuan with at most 2 decimals.</summary>
public readonly record struct Money : IComparable<Money>
{
    /// <summary>Largest amount one request may carry: one trillion yuan.</summary>
    public static readonly Money MaxPerRequest = new(1_000_000_000_000L * 100);

    public long Fen { get; }

    private Money(long fen) => Fen = fen;

    public static Money Zero => default;

    public static Money FromFen(long fen) => new(fen);

    /// <summary>Yuan with at most 2 decimals, at least 0 (or strictly positive), at most <see cref="MaxPerRequest"/>.</summary>
    public static bool TryFromYuan(decimal yuan, bool allowZero, out Money money, [NotNullWhen(false)] out string? error)
    {
        money = default;
        if (yuan < 0 || (!allowZero && yuan == 0)) { error = allowZero ? "must not be negative" : "must be greater than 0"; return false; }
        if (yuan > MaxPerRequest.Yuan) { error = $"must be at most {MaxPerRequest.Yuan} CNY"; return false; }
        var fen = yuan * 100;
        if (fen != decimal.Truncate(fen)) { error = "has more than 2 decimals (1 fen)"; return false; }
        money = new Money((long)fen);
        error = null;
        return true;
    }

    /// <summary>Yuan with exactly two decimals (e.g. 242220.00).</summary>
    public decimal Yuan => decimal.Round((decimal)Fen / 100, 2) + 0.00m;

    public int CompareTo(Money other) => Fen.CompareTo(other.Fen);
    public static bool operator <(Money a, Money b) => a.Fen < b.Fen;
    public static bool operator >(Money a, Money b) => a.Fen > b.Fen;
    public static bool operator <=(Money a, Money b) => a.Fen <= b.Fen;
    public static bool operator >=(Money a, Money b) => a.Fen >= b.Fen;

    public override string ToString() => $"{Yuan:0.00} CNY";
}

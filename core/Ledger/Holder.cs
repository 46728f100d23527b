using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>A party to a trade or a holder of rights: an enterprise, or the market's government reserve (政府储备).</summary>
public readonly record struct Holder
{
    public const string ReserveName = "reserve";

    private readonly string? _value;
    private Holder(string value) => _value = value;

    public static Holder Reserve { get; } = new(ReserveName);
    public static Holder Of(CreditCode code) => new(code.Value);

    public string Value => _value ?? ReserveName;
    public bool IsReserve => Value == ReserveName;
    public CreditCode? Enterprise => IsReserve ? null : CreditCode.Parse(Value);

    public static Holder Parse(string text) => text == ReserveName ? Reserve : Of(CreditCode.Parse(text));

    public static bool TryParse(string? text, bool allowReserve, out Holder holder, out string? error)
    {
        holder = default;
        if (text == ReserveName)
        {
            if (!allowReserve) { error = "the reserve cannot take this role"; return false; }
            holder = Reserve;
            error = null;
            return true;
        }
        if (!CreditCode.TryParse(text, out var code, out error))
        {
            error = allowReserve ? $"must be a credit code or \"reserve\": {error}" : error;
            return false;
        }
        holder = Of(code);
        return true;
    }

    public override string ToString() => Value;
}

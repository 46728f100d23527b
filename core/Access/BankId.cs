namespace Trading.Core.Access;

/// <summary>A bank's id, e.g. <c>ICBC-LF</c>: 2–32 of A–Z, a–z, 0–9 and '-', starting with a letter.</summary>
public readonly record struct BankId
{
    public string Value { get; }
    private BankId(string value) => Value = value;

    public static bool TryParse(string? text, out BankId bank, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        bank = default;
        if (text is null || text.Length is < 2 or > 32 || !char.IsAsciiLetter(text[0]) ||
            !text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            error = "a bank id has 2–32 letters, digits or '-', starting with a letter, e.g. ICBC-LF";
            return false;
        }
        bank = new BankId(text);
        error = null;
        return true;
    }

    public override string ToString() => Value ?? "";
}

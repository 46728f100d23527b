using System.Diagnostics.CodeAnalysis;

namespace Trading.Core.Primitives;

/// <summary>
/// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters over
/// <c>0123456789ABCDEFGHJKLMNPQRTUWXY</c> whose 18th character is a check character.
/// Invariant: an instance always holds a code whose check character is correct.
/// </summary>
public readonly record struct CreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] s_weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public string Value { get; }

    private CreditCode(string value) => Value = value;

    /// <summary>Characters 3–8: the registering authority's region code.</summary>
    public string RegistrationRegion => Value.Substring(2, 6);

    public static CreditCode Parse(string? text) =>
        TryParse(text, out var code, out var error) ? code : throw new FormatException(error);

    public static bool TryParse(string? text, out CreditCode code) => TryParse(text, out code, out _);

    public static bool TryParse(string? text, out CreditCode code, [NotNullWhen(false)] out string? error)
    {
        code = default;
        if (string.IsNullOrEmpty(text)) { error = "a credit code is required"; return false; }
        if (text.Length != 18) { error = $"a credit code has 18 characters, not {text.Length}"; return false; }
        var sum = 0;
        for (var i = 0; i < 18; i++)
        {
            var value = Alphabet.IndexOf(text[i], StringComparison.Ordinal);
            if (value < 0)
            {
                error = $"character {i + 1} ('{text[i]}') is not allowed in a credit code";
                return false;
            }
            if (i < 17) sum += value * s_weights[i];
        }
        var check = 31 - sum % 31;
        var expected = Alphabet[check == 31 ? 0 : check];
        if (text[17] != expected)
        {
            error = $"the check character should be '{expected}', not '{text[17]}'";
            return false;
        }
        code = new CreditCode(text);
        error = null;
        return true;
    }

    /// <summary>Appends the correct check character to 17 leading characters (for generating test and demo codes).</summary>
    public static CreditCode FromBody(string first17)
    {
        if (first17.Length != 17) throw new ArgumentException("17 characters expected", nameof(first17));
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
            if (value < 0) throw new ArgumentException($"'{first17[i]}' is not in the alphabet", nameof(first17));
            sum += value * s_weights[i];
        }
        var check = 31 - sum % 31;
        return Parse(first17 + Alphabet[check == 31 ? 0 : check]);
    }

    public override string ToString() => Value ?? "";
}

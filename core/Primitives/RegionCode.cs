using System.Diagnostics.CodeAnalysis;

namespace Trading.Core.Primitives;

/// <summary>A 6-digit administrative division code (GB/T 2260), e.g. <c>131000</c> Langfang. Always 6 ASCII digits, not starting with 0.</summary>
public readonly record struct RegionCode
{
    public string Value { get; }
    private RegionCode(string value) => Value = value;

    public static RegionCode Parse(string? text) =>
        TryParse(text, out var code, out var error) ? code : throw new FormatException(error);

    public static bool TryParse(string? text, out RegionCode code, [NotNullWhen(false)] out string? error)
    {
        code = default;
        if (text is null || text.Length != 6 || !text.All(char.IsAsciiDigit))
        {
            error = "a region code has 6 digits (GB/T 2260), e.g. 131000";
            return false;
        }
        if (text[0] == '0') { error = "a region code does not start with 0"; return false; }
        code = new RegionCode(text);
        error = null;
        return true;
    }

    public bool IsWithin(RegionPrefix prefix) => Value.StartsWith(prefix.Value, StringComparison.Ordinal);

    public override string ToString() => Value ?? "";
}

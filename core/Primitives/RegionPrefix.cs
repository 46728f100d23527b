using System.Diagnostics.CodeAnalysis;

namespace Trading.Core.Primitives;

/// <summary>
/// A prefix of region codes: <c>13</c> Hebei, <c>1310</c> Langfang, or a full 6-digit code.
/// Always an even number of digits from 2 to 6 (province, city, county levels).
/// </summary>
public readonly record struct RegionPrefix
{
    public string Value { get; }
    private RegionPrefix(string value) => Value = value;

    /// <summary>The whole country: the empty prefix, used for admin scope only.</summary>
    public static RegionPrefix All => new("");

    public static RegionPrefix Parse(string? text) =>
        TryParse(text, out var prefix, out var error) ? prefix : throw new FormatException(error);

    public static bool TryParse(string? text, out RegionPrefix prefix, [NotNullWhen(false)] out string? error)
    {
        prefix = default;
        if (text is null || text.Length is not (2 or 4 or 6) || !text.All(char.IsAsciiDigit) || text[0] == '0')
        {
            error = "a region prefix has 2, 4 or 6 digits, e.g. 13 (Hebei), 1310 (Langfang), 131024";
            return false;
        }
        prefix = new RegionPrefix(text);
        error = null;
        return true;
    }

    /// <summary>True when every region under <paramref name="other"/> is also under this prefix.</summary>
    public bool Covers(RegionPrefix other) => other.Value.StartsWith(Value, StringComparison.Ordinal);

    public override string ToString() => Value ?? "";
}

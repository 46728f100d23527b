using System.Globalization;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>Ids of numbered things: <c>{owner}{tag}{number}</c>, e.g. <c>131000-SO2-TP3</c> (a market's) or <c>ICBC-LF-LN3</c> (a bank's).</summary>
public static class OfferIds
{
    public delegate bool TryParseOwner<TOwner>(string text, out TOwner owner);

    /// <summary>A market's numbered thing, e.g. <c>131000-SO2-TP3</c>.</summary>
    public static bool TryParse(string? text, string tag, out MarketId market, out long number) =>
        TryParse(text, tag, (string t, out MarketId m) => { var parsed = MarketId.TryParse(t, out var id); m = id ?? default; return parsed; },
            m => m.Key, out market, out number);

    /// <summary>The owner's part parsed by <paramref name="parseOwner"/>, a positive number, and the text exactly as it would be written.</summary>
    public static bool TryParse<TOwner>(string? text, string tag, TryParseOwner<TOwner> parseOwner, Func<TOwner, string> format, out TOwner owner, out long number)
    {
        owner = default!;
        number = 0;
        if (text is null) return false;
        var at = text.LastIndexOf(tag, StringComparison.Ordinal);
        if (at <= 0 || !long.TryParse(text.AsSpan(at + tag.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number) || number <= 0) return false;
        if (!parseOwner(text[..at], out owner)) return false;
        return $"{format(owner)}{tag}{number}" == text;
    }
}

using System.Globalization;
using Trading.Core.Primitives;

namespace Trading.Core.Ledger;

/// <summary>Ids of numbered things inside a market: <c>{market}{tag}{number}</c>, e.g. <c>131000-SO2-TP3</c>.</summary>
public static class OfferIds
{
    public static bool TryParse(string? text, string tag, out MarketId market, out long number)
    {
        market = default;
        number = 0;
        if (text is null) return false;
        var at = text.LastIndexOf(tag, StringComparison.Ordinal);
        if (at <= 0 || !long.TryParse(text.AsSpan(at + tag.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number) || number <= 0)
            return false;
        if (!MarketId.TryParse(text[..at], out var m)) return false;
        market = m.Value;
        return $"{market.Key}{tag}{number}" == text;
    }
}

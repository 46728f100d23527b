using System.Diagnostics.CodeAnalysis;

namespace Trading.Core.Primitives;

/// <summary>A trade's identity: its market and its sequence in that market, e.g. <c>131000-SO2-42</c>.</summary>
public readonly record struct TradeId(MarketId Market, long Sequence)
{
    public override string ToString() => $"{Market.Key}-{Sequence}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out TradeId? id)
    {
        id = null;
        if (text is null) return false;
        var dash = text.LastIndexOf('-');
        if (dash <= 0) return false;
        var seqText = text[(dash + 1)..];
        if (seqText.Length is 0 or > 18 || !seqText.All(char.IsAsciiDigit) || seqText[0] == '0') return false;
        if (!MarketId.TryParse(text[..dash], out var market)) return false;
        id = new TradeId(market.Value, long.Parse(seqText, System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }
}

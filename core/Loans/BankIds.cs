using System.Globalization;
using Trading.Core.Access;

namespace Trading.Core.Loans;

/// <summary>Ids of numbered things of a bank: <c>{bank}{tag}{number}</c>, e.g. <c>ICBC-LF-LN3</c>.</summary>
public static class BankIds
{
    public static bool TryParse(string? text, string tag, out BankId bank, out long number)
    {
        bank = default;
        number = 0;
        if (text is null) return false;
        var at = text.LastIndexOf(tag, StringComparison.Ordinal);
        if (at <= 0 || !long.TryParse(text.AsSpan(at + tag.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number) || number <= 0) return false;
        if (!BankId.TryParse(text[..at], out bank, out _)) return false;
        return $"{bank.Value}{tag}{number}" == text;
    }
}

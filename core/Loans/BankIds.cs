using Trading.Core.Access;
using Trading.Core.Ledger;

namespace Trading.Core.Loans;

/// <summary>Ids of numbered things of a bank: <c>{bank}{tag}{number}</c>, e.g. <c>ICBC-LF-LN3</c>.</summary>
public static class BankIds
{
    public static bool TryParse(string? text, string tag, out BankId bank, out long number) =>
        OfferIds.TryParse(text, tag, (string t, out BankId b) => BankId.TryParse(t, out b, out _), b => b.Value, out bank, out number);
}

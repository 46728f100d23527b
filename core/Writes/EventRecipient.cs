using Trading.Core.Access;
using Trading.Core.Ledger;

namespace Trading.Core.Writes;

/// <summary>
/// Who an event goes to: a principal's id (<see cref="Principal.Id"/>), so a credit code and a bank id can never name
/// the same inbox. The CloudEvents <c>subject</c> is the part after the role (the credit code or bank id).
/// </summary>
public static class EventRecipient
{
    public static string Of(Principal principal) => principal.Id;

    public static string Of(BankId bank) => Principal.Bank(bank).Id;

    public static string Of(Primitives.CreditCode firm) => Principal.Enterprise(firm).Id;

    /// <summary>An enterprise holder's inbox; null for the reserve, which has none.</summary>
    public static string? Of(Holder holder) => holder.Enterprise is { } code ? Of(code) : null;

    /// <summary>The subject of an event to <paramref name="recipient"/> (the credit code, bank id or region prefix; empty for admin).</summary>
    public static string SubjectOf(string recipient) => recipient.IndexOf(':') is var i and >= 0 ? recipient[(i + 1)..] : "";
}

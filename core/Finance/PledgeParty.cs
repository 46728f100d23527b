namespace Trading.Core.Finance;

/// <summary>Who asked for a pledge: the bank (the holder must accept), the holder (the bank must accept), the bureau, or a granted loan.</summary>
public enum PledgeParty
{
    Bank,
    Holder,
    Bureau,

    /// <summary>Created active by the bank's approval of a loan the holder applied for with this pledge product.</summary>
    Loan,
}

namespace Trading.Core.Finance;

/// <summary>Who asked for a pledge: the bank (the holder must accept), the holder (the bank must accept), or the bureau.</summary>
public enum PledgeParty
{
    Bank,
    Holder,
    Bureau,
}

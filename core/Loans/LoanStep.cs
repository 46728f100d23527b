namespace Trading.Core.Loans;

/// <summary>The next step of the loan process on one application (or one repaid loan), as <see cref="LoanGrant.Next"/> says it.</summary>
public enum LoanStep
{
    /// <summary>Nothing left to do.</summary>
    None,

    /// <summary>Market: freeze the offered rights as an <c>Offered</c> pledge naming the application (or record that they were not available).</summary>
    FreezeOffer,

    /// <summary>Bank: the application is submitted with its frozen offer (or void when the rights were not available).</summary>
    ConfirmSubmission,

    /// <summary>Bank: a submitted application past its 30 days ends <c>expired</c>.</summary>
    Expire,

    /// <summary>Market: the offer becomes the loan's active pledge for what the bank takes; the rest is available again (the commit point of a grant).</summary>
    ActivatePledge,

    /// <summary>Bank: the application is granted and the loan written, from the terms recorded at approval.</summary>
    Grant,

    /// <summary>Market: the offer of a declined, withdrawn or expired application is released.</summary>
    ReleaseOffer,

    /// <summary>Bank: the application notes that its offer is released (nothing more to do).</summary>
    NoteOfferEnded,

    /// <summary>Market: the pledge of a repaid loan is released.</summary>
    ReleasePledge,

    /// <summary>Bank: the repaid loan notes that its pledge is released.</summary>
    NotePledgeReleased,
}

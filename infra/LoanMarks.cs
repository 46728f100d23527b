namespace Trading.Infra;

/// <summary>
/// Pending loan-counter marks: the banks whose new loans <see cref="LoanFigures"/> has yet to count (see
/// <see cref="PendingMarks"/>). A bank's write that creates a loan marks the bank before it commits, so the
/// <c>CountLoans</c> timer visits only the banks with loans to count, never every bank.
/// </summary>
public sealed class LoanMarks(StorageContext storage, TimeProvider time) : PendingMarks(storage.LoanMarks, time)
{
    protected override IReadOnlyList<string> MarkedBooks { get; } = [Books.Loans];
}

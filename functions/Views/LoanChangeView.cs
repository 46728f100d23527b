namespace Trading.Functions;

public sealed record LoanChangeView(long FirmsDelta, decimal? FirmsPct, long LoansDelta, decimal? LoansPct, decimal AmountDelta, decimal? AmountPct);

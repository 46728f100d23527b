namespace Trading.Functions;

public sealed record LoanChangeView(long FirmsDelta, decimal? FirmsPct, Int128 LoansDelta, decimal? LoansPct, decimal AmountDelta, decimal? AmountPct);

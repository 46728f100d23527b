namespace Trading.Functions;

public sealed record EligibleFirmView(string CreditCode, string Name, string Region, string Industry, string Grade, string CreditRating, bool PositiveList, decimal Limit);

namespace Trading.Infra;

/// <summary>A stored eligible pair, as the eligible lists read it.</summary>
public sealed record StoredMatch(string ProductKey, string CreditCode, string Name, string Region, string Industry, string Grade, string CreditRating,
    bool PositiveList, long LimitFen, DateTimeOffset AsOf);

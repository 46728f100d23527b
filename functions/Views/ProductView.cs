using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>A bank's loan product, as its PUT, GET and list answer it.</summary>
public sealed record ProductView(
    string BankId, string ProductId, string Name, string MinGrade, bool AllowUngraded, string MinCreditRating, bool RequirePositiveList,
    IReadOnlyList<string> Industries, IReadOnlyList<string> Regions, decimal MinAmount, decimal MaxAmount, decimal AnnualRatePct,
    int TermMonths, ProductPledgeView? Pledge, [property: SchemaFormat("date-time")] string UpdatedAt);

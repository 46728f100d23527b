using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record EnterpriseView(
    string CreditCode, string Name, string Region, string Industry, string Grade, [property: SchemaFormat("date")] string? GradeValidUntil,
    bool PositiveList, string CreditRating, [property: SchemaFormat("date-time")] string UpdatedAt);

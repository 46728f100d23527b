using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record EligibleProductView(string BankId, string ProductId, string Name, decimal AnnualRatePct, int TermMonths, bool Pledge, decimal Limit,
    [property: SchemaFormat("date-time")] string AsOf);

using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>The firms eligible for a product, best grade first, then the largest limit, as of the last refresh of its matches.</summary>
public sealed record EligibleFirmsView([property: SchemaFormat("date-time")] string? AsOf, IReadOnlyList<EligibleFirmView> Items, string? ContinuationToken);

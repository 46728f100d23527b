using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record RevocationView(decimal Quantity, string Reason, [property: SchemaFormat("date-time")] string At, string By);

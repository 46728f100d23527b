using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>One firm against one product, evaluated now: the limit, or the reasons it is not eligible.</summary>
public sealed record EligibilityView(bool Eligible, decimal? Limit, IReadOnlyList<string> Reasons, IReadOnlyList<string> Notes, string GradeInForce,
    [property: SchemaFormat("date-time")] string AsOf);

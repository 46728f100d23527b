using Azure;
using Trading.Core;

namespace Trading.Functions.Hosting;

/// <summary>
/// An RFC 9457 problem as this API writes it: the standard members, <c>errors</c> per field on a 400, the request's
/// <c>traceId</c>, and members of its own where useful (<c>available</c> on an oversell, <c>state</c> on a state conflict).
/// </summary>
public sealed record ProblemView(string Type, string Title, int Status, string Detail, string? Instance)
{
    [Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    public required string TraceId { get; init; }

    [Newtonsoft.Json.JsonExtensionData]
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, object?>? Extensions { get; init; }
}

namespace Trading.Functions.Hosting;

/// <summary>
/// What the OpenAPI document says of an HTTP function beyond its method and route: summary, request body, answers,
/// problem statuses, query parameters, and whether it needs an Idempotency-Key or a caller at all. Declared with the
/// function (see <see cref="HttpFunction"/>'s builder methods); <see cref="OpenApiDescription"/> turns it into endpoint metadata.
/// </summary>
public sealed record ApiDoc
{
    public string? Summary { get; init; }
    public ApiBody? Body { get; init; }
    public IReadOnlyList<ApiAnswer> Answers { get; init; } = [];
    public IReadOnlyList<int> Problems { get; init; } = [];
    public IReadOnlyList<string> Query { get; init; } = [];
    public bool IdempotencyKey { get; init; }
    public bool Anonymous { get; init; }
}

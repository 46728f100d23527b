using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Writes;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>How an endpoint runs a use case: through the one <see cref="MarketWriter"/>, with the answer rendered once.</summary>
public static class Writes
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The request's <c>Idempotency-Key</c>; 400 without one (every creating POST requires it).</summary>
    public static string IdempotencyKey(HttpContext context)
    {
        var key = context.Request.Headers[IdempotencyHeader].ToString();
        if (string.IsNullOrEmpty(key))
            throw ValidationException.For(IdempotencyHeader, "the header is required: a unique key per request, reused only to retry the same request");
        if (key.Length > 200 || key.Any(char.IsControl))
            throw ValidationException.For(IdempotencyHeader, "has at most 200 characters and no control characters");
        return key;
    }

    /// <summary>
    /// Runs a creating use case under the request's idempotency key: 201 with <c>Location</c>; a retry of the same
    /// request gets the same body again with <c>Idempotent-Replayed: true</c>.
    /// </summary>
    public static async Task<(IResult Result, WriteOutcome<T> Outcome)> CreateAsync<T>(HttpContext context, Principal caller, string idempotencyKey,
        IMarketUseCase<T> useCase, Func<T, object> view, string locationPrefix)
    {
        var outcome = await context.Service<MarketWriter>().ExecuteAsync(useCase, caller, idempotencyKey, a => TradingJson.Serialize(view(a)),
            context.TraceIdentifier, context.RequestAborted);
        var headers = new Dictionary<string, string> { ["Location"] = $"/api/{locationPrefix}/{outcome.ResourceId}" };
        if (outcome.Replayed) headers["Idempotent-Replayed"] = "true";
        return (Json.Text(outcome.Body, 201, headers), outcome);
    }

    /// <summary>Runs a state change (idempotent by state): 200 with the resource as it now is.</summary>
    public static async Task<(IResult Result, T Answer)> ChangeAsync<T>(HttpContext context, Principal caller, IMarketUseCase<T> useCase, Func<T, object> view)
    {
        var outcome = await context.Service<MarketWriter>().ExecuteAsync(useCase, caller, null, a => TradingJson.Serialize(view(a)),
            context.TraceIdentifier, context.RequestAborted);
        return (Json.Text(outcome.Body, 200), outcome.Answer!);
    }

    /// <summary>An id from the route, parsed by <paramref name="parse"/>; 404 (in the caller's words) when it is not one.</summary>
    public static (Core.Primitives.MarketId Market, long Number) RouteId(HttpContext context, string what, TryParseId parse)
    {
        var text = context.Request.RouteValues["id"] as string;
        return parse(text, out var market, out var number) ? (market, number) : throw new NotFoundException($"No {what} {text} in your scope.");
    }

    public delegate bool TryParseId(string? text, out Core.Primitives.MarketId market, out long number);
}

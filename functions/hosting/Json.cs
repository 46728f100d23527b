using System.Text;
using Newtonsoft.Json;
using Trading.Core;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>Newtonsoft JSON in and out of HTTP: one body limit, strict reading, camelCase writing.</summary>
public static class Json
{
    public const int MaxBodyBytes = 64 * 1024;
    private static readonly UTF8Encoding s_strictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Reads the request body as <typeparamref name="T"/>: 413 over 64 KiB, 400 for anything malformed or unknown.</summary>
    public static async Task<T> ReadBodyAsync<T>(HttpContext context) where T : class =>
        await ReadBodyAsync<T>(context, allowEmpty: false) ?? throw ValidationException.For("body", "a JSON object is required");

    private static async Task<T?> ReadBodyAsync<T>(HttpContext context, bool allowEmpty) where T : class
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes) throw new PayloadTooLargeException(MaxBodyBytes);
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
            throw ValidationException.For("body", "must be sent as application/json");
        string text;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(total, MaxBodyBytes + 1 - total), context.RequestAborted)) > 0)
            {
                total += read;
                if (total > MaxBodyBytes) throw new PayloadTooLargeException(MaxBodyBytes);
            }
            try { text = s_strictUtf8.GetString(buffer, 0, total); }
            catch (DecoderFallbackException) { throw ValidationException.For("body", "is not valid UTF-8"); }
            if (!string.IsNullOrWhiteSpace(text)) StrictJson.Check(buffer.AsSpan(0, total));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        if (string.IsNullOrWhiteSpace(text)) return allowEmpty ? null : throw ValidationException.For("body", "a JSON object is required");
        try
        {
            return TradingJson.ReadStrict<T>(text) ?? throw ValidationException.For("body", "a JSON object is required");
        }
        catch (JsonReaderException ex)
        {
            throw ValidationException.For(string.IsNullOrEmpty(ex.Path) ? "body" : ex.Path, $"malformed JSON at line {ex.LineNumber}, position {ex.LinePosition}");
        }
        catch (JsonSerializationException ex)
        {
            var path = string.IsNullOrEmpty(ex.Path) ? "body" : ex.Path;
            var message = ex.Message.StartsWith("Could not find member", StringComparison.Ordinal) ? "is not a known field"
                : ex.Message.StartsWith("Expected ", StringComparison.Ordinal) ? ex.Message[..ex.Message.IndexOf(". Path", StringComparison.Ordinal)].ToLowerInvariant()
                : ex.Message.StartsWith("Cannot deserialize", StringComparison.Ordinal) ? "a JSON object is required"
                : "has the wrong type";
            throw ValidationException.For(path, message);
        }
    }

    /// <summary>A body for a request whose body may be absent or <c>{}</c>; any member is unknown (400).</summary>
    public sealed class NoFields;

    /// <summary>Reads an optional body: none (or empty) is a new <typeparamref name="T"/>; anything else is read as <see cref="ReadBodyAsync{T}"/> reads.</summary>
    public static async Task<T> ReadOptionalBodyAsync<T>(HttpContext context) where T : class, new()
    {
        if (context.Request.ContentLength == 0 || (context.Request.ContentLength is null && !context.Request.Headers.ContainsKey("Transfer-Encoding")))
            return new T();
        return await ReadBodyAsync<T>(context, allowEmpty: true) ?? new T();
    }

    /// <summary>A JSON answer written with the shared Newtonsoft settings.</summary>
    public static IResult Result(object? body, int status = 200, string contentType = "application/json; charset=utf-8",
        IReadOnlyDictionary<string, string>? headers = null) => new NewtonsoftResult(body, status, contentType, headers);

    /// <summary>A JSON answer already rendered (a replayed answer is sent byte for byte as it was first).</summary>
    public static IResult Text(string json, int status, IReadOnlyDictionary<string, string>? headers = null) =>
        new NewtonsoftResult(new RawJson(json), status, "application/json; charset=utf-8", headers);

    private sealed record RawJson(string Json);

    private sealed class NewtonsoftResult(object? body, int status, string contentType, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            if (headers is not null)
                foreach (var (name, value) in headers) response.Headers[name] = value;
            await response.WriteAsync(body is RawJson raw ? raw.Json : TradingJson.Serialize(body), httpContext.RequestAborted);
        }
    }
}

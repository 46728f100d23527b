namespace Trading.Core;

/// <summary>Base of every refusal the domain can give; one place in functions/ maps these to RFC 9457 answers.</summary>
public abstract class DomainException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();
}

/// <summary>Bad input: malformed, wrong type, missing or badly formatted fields (400).</summary>
public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors, string? detail = null)
    : DomainException("One or more fields are invalid.", detail ?? string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join("; ", e.Value)}.")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Well-formed input that breaks a business rule (422).</summary>
public sealed class RuleViolationException(string detail, string title = "The request breaks a business rule.")
    : DomainException(title, detail);

/// <summary>A conflict with the current state, e.g. an oversell (409).</summary>
public sealed class ConflictException(string detail, string title = "The request conflicts with the current state.")
    : DomainException(title, detail);

/// <summary>The resource does not exist or is outside the caller's scope (404).</summary>
public sealed class NotFoundException(string detail) : DomainException("Not found.", detail);

/// <summary>Missing or unknown API key (401).</summary>
public sealed class UnauthenticatedException(string detail) : DomainException("An API key is required.", detail);

/// <summary>Known key, not allowed (403).</summary>
public sealed class ForbiddenException(string detail) : DomainException("Not allowed.", detail);

/// <summary>The request body is larger than allowed (413).</summary>
public sealed class PayloadTooLargeException(long limit) : DomainException("The request body is too large.", $"The body may be at most {limit} bytes.");

/// <summary>Storage did not answer, or a market stayed too busy to commit in time (503). Nothing was written.</summary>
public sealed class UnavailableException(string detail, Exception? inner = null) : Exception(detail, inner)
{
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>Collects field errors, then throws one <see cref="ValidationException"/> with all of them.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public T? Required<T>(string field, T? value) where T : class
    {
        if (value is null) Add(field, "is required");
        return value;
    }

    public void ThrowIfAny()
    {
        if (Any) throw new ValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}

namespace Trading.Core;

/// <summary>Bad input: malformed, wrong type, missing or badly formatted fields (400).</summary>
public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors, string? detail = null)
    : DomainException("One or more fields are invalid.", detail ?? string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join("; ", e.Value)}.")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

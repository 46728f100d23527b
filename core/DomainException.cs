namespace Trading.Core;

/// <summary>Base of every refusal the domain can give; one place in functions/ maps these to RFC 9457 answers.</summary>
public abstract class DomainException(string title, string detail) : Exception(detail)
{
    public string Title { get; } = title;
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();
}

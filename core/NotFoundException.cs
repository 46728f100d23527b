namespace Trading.Core;

/// <summary>The resource does not exist or is outside the caller's scope (404).</summary>
public sealed class NotFoundException(string detail) : DomainException("Not found.", detail);

namespace Trading.Core;

/// <summary>Missing or unknown API key (401).</summary>
public sealed class UnauthenticatedException(string detail) : DomainException("An API key is required.", detail);

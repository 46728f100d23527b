namespace Trading.Core;

/// <summary>Known key, not allowed (403).</summary>
public sealed class ForbiddenException(string detail) : DomainException("Not allowed.", detail);

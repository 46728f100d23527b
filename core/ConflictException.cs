namespace Trading.Core;

/// <summary>A conflict with the current state, e.g. an oversell (409).</summary>
public sealed class ConflictException(string detail, string title = "The request conflicts with the current state.")
    : DomainException(title, detail);

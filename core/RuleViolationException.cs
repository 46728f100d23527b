namespace Trading.Core;

/// <summary>Well-formed input that breaks a business rule (422).</summary>
public sealed class RuleViolationException(string detail, string title = "The request breaks a business rule.")
    : DomainException(title, detail);

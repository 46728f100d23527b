namespace Trading.Core;

/// <summary>The request body is larger than allowed (413).</summary>
public sealed class PayloadTooLargeException(long limit) : DomainException("The request body is too large.", $"The body may be at most {limit} bytes.");

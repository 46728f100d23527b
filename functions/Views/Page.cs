namespace Trading.Functions;

/// <summary>One page of a list: its items and the token of the next page (null on the last).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

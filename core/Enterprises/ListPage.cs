namespace Trading.Core.Enterprises;

/// <summary>One page of a list and the token for the next (null at the end).</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, string? ContinuationToken);

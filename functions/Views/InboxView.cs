namespace Trading.Functions;

/// <summary>A page of the caller's inbox: its events oldest first, and the id to read on from (<c>after</c>; null when none is left).</summary>
public sealed record InboxView(IReadOnlyList<InboxEventView> Items, string? Next);

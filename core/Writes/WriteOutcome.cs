namespace Trading.Core.Writes;

/// <summary>What a write answered: the use case's answer (null on a replay), its rendered body, and whether it was replayed.</summary>
public sealed record WriteOutcome<T>(T? Answer, string Body, bool Replayed, string? ResourceId);

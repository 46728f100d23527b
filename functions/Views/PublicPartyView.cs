namespace Trading.Functions;

/// <summary>A party as the public disclosure names it: its registered name only, never its credit code.</summary>
public sealed record PublicPartyView(string Name);

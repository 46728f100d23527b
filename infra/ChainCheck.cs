namespace Trading.Infra;

/// <summary>A market's hash chain as recomputed: trades checked, valid or not, the last good hash, the first bad sequence.</summary>
public sealed record ChainCheck(long Trades, bool Valid, string HeadHash, long? FirstInvalidSequence);

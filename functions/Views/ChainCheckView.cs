namespace Trading.Functions;

/// <summary>The result of recomputing a market's hash chain: the first sequence that does not match when it is broken.</summary>
public sealed record ChainCheckView(string Market, long Trades, bool Valid, string HeadHash, long? FirstInvalidSequence);

namespace Trading.Core.Ledger.UseCases;

/// <summary>A proposal as it stands, with the trade recorded when it was confirmed.</summary>
public sealed record ProposalOutcome(TradeProposal Proposal, Trade? Trade);

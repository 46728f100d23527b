namespace Trading.Functions;

/// <summary>One winner of a closed auction as published: its name, the quantity it was sold and its price.</summary>
public sealed record PublicWinnerView(PublicPartyView Winner, decimal Quantity, decimal UnitPrice);

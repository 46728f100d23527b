namespace Trading.Core.Writes;

/// <summary>
/// An event a decision sends (api.md "Events and inbox"): its <see cref="Type"/> (e.g. <c>trade.settled</c>), its
/// recipient (<see cref="EventRecipient"/>: a principal's id, <c>enterprise:{code}</c> or <c>bank:{id}</c>), and the
/// resource it is about (a domain value, rendered for the recipient by <see cref="IEventRenderer"/> as its GET answers it).
/// </summary>
public sealed record EventEntry(string Type, string Recipient, object Resource);

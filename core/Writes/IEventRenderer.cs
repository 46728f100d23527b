namespace Trading.Core.Writes;

/// <summary>
/// Renders the data of an event (port, pure): the resource as its GET answers it for the event's recipient, as JSON.
/// The shell passes it to <see cref="Ledger.UseCaseRunner"/>, which writes the rendered data into the event's row.
/// </summary>
public interface IEventRenderer
{
    string Render(EventEntry entry);
}

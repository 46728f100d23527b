using Trading.Core.Writes;

namespace Trading.Core.Tests.Support;

/// <summary>
/// A renderer for core tests: the event's type, recipient and the resource's type and id-like text, enough to tell which
/// resource an event is about.
/// </summary>
public sealed class TestEvents : IEventRenderer
{
    public static TestEvents Renderer { get; } = new();

    public string Render(EventEntry entry) => $"{{\"type\":\"{entry.Type}\",\"to\":\"{entry.Recipient}\",\"resource\":\"{entry.Resource.GetType().Name}\"}}";
}

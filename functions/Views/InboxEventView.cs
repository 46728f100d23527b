using Newtonsoft.Json.Linq;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>An event as a CloudEvents 1.0 message (as on the queue <c>trading-events</c>): <c>data</c> is the resource as its GET answers it.</summary>
public sealed record InboxEventView(
    string Specversion, string Id, string Source, string Type, string Subject, [property: SchemaFormat("date-time")] string Time,
    string Datacontenttype, object Data)
{
    public static InboxEventView Parse(string json)
    {
        var e = TradingJson.Deserialize<JObject>(json)!; // dates stay text, numbers decimal
        return new InboxEventView((string)e["specversion"]!, (string)e["id"]!, (string)e["source"]!, (string)e["type"]!, (string)e["subject"]!,
            (string)e["time"]!, (string)e["datacontenttype"]!, e["data"]!);
    }
}

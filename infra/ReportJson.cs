using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Infra;

/// <summary>The JSON shape of a report (also what <c>GET /api/reports/{month}?format=json</c> answers).</summary>
public static class ReportJson
{
    public static object View(MonthReport r) => new
    {
        month = r.Month.ToString(),
        region = r.Region.Value,
        trades = r.Total.Trades,
        quantity = r.Total.Tonnes,
        amount = r.Total.Yuan,
        byPollutant = r.ByPollutant.Select(p => new { pollutant = p.Pollutant.ToString(), trades = p.Totals.Trades, quantity = p.Totals.Tonnes, amount = p.Totals.Yuan }),
        markets = r.Markets.Select(m => new
        {
            region = m.Market.Region.Value,
            pollutant = m.Market.Pollutant.ToString(),
            trades = m.Totals.Trades,
            quantity = m.Totals.Tonnes,
            amount = m.Totals.Yuan,
        }),
    };

    private sealed class Stored
    {
        public List<StoredLine> Markets { get; set; } = [];
    }

    private sealed class StoredLine
    {
        public string Region { get; set; } = "";
        public string Pollutant { get; set; } = "";
        public decimal Trades { get; set; }
        public decimal Quantity { get; set; }
        public decimal Amount { get; set; }
    }

    public static IEnumerable<(MarketId, Totals)> Lines(string json)
    {
        var settings = new Newtonsoft.Json.JsonSerializerSettings { FloatParseHandling = Newtonsoft.Json.FloatParseHandling.Decimal, MissingMemberHandling = Newtonsoft.Json.MissingMemberHandling.Ignore };
        var stored = Newtonsoft.Json.JsonConvert.DeserializeObject<Stored>(json, settings) ?? throw new InvalidOperationException("empty report blob");
        return stored.Markets.Select(l => (new MarketId(RegionCode.Parse(l.Region), Enum.Parse<Pollutant>(l.Pollutant)),
            new Totals((Int128)l.Trades, (Int128)(l.Quantity * Quantity.GramsPerTonne), (Int128)(l.Amount * 100))));
    }
}

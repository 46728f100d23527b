using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>OpenTelemetry with the in-memory exporter: a trace spans the request and its storage calls; the trade counter counts.</summary>
public sealed class TelemetryTests : IAsyncLifetime
{
    private readonly ApiFixture _api = new();
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        _server = await _api.StartServerAsync(builder =>
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans));
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(_metrics));
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task A_trade_request_is_one_trace_with_its_storage_calls_and_the_trades_recorded_metric_counts()
    {
        var seller = (await _api.RegisterEnterpriseAsync("131000")).Value;
        var buyer = (await _api.RegisterEnterpriseAsync("131000")).Value;
        await _api.AllocateAsync(seller, 10m, "131000", "TN");
        using var admin = _server.Client(ApiFixture.AdminKey);
        var trade = (await admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller, buyer, 1m, 100m, 1, "131000", "TN",
            DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK")), ApiFixture.Key("traced"))).Expect(201);

        _server.Services.GetRequiredService<TracerProvider>().ForceFlush();
        _server.Services.GetRequiredService<MeterProvider>().ForceFlush();
        Activity[] spans;
        lock (_spans) spans = [.. _spans];
        // The ASP.NET Core listener is process-wide: other test classes' servers record trades meanwhile; this server's port tells ours.
        var request = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.GetTagItem("http.route") as string == "/api/trades"
                                                 && s.GetTagItem("http.response.status_code") is 201
                                                 && s.GetTagItem("server.port") is int port && port == _server.BaseAddress.Port);
        var inTrace = spans.Where(s => s.TraceId == request.TraceId).ToList();
        Assert.Contains(inTrace, s => s.Source.Name == "Trading" && s.DisplayName == "market.write trade.recorded");
        var storage = inTrace.Where(s => s.Source.Name.StartsWith("Azure.", StringComparison.Ordinal)).ToList();
        Assert.True(storage.Count >= 3, $"storage spans in the trace: {string.Join(", ", inTrace.Select(s => s.Source.Name + ":" + s.DisplayName))}");
        Assert.Contains(storage, s => s.DisplayName.Contains("SubmitTransaction", StringComparison.Ordinal));

        Metric[] metrics;
        lock (_metrics) metrics = [.. _metrics];
        var recorded = metrics.Where(m => m.Name == "trading.trades.recorded").SelectMany(m =>
        {
            var sum = 0L;
            foreach (ref readonly var point in m.GetMetricPoints()) sum += point.GetSumLong();
            return new[] { sum };
        }).Sum();
        Assert.True(recorded >= 1, "the trades-recorded counter counted the trade");
        Assert.NotNull(trade.Body["id"]);
    }
}

using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Writes;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>
/// Builds the web server. Under the Azure Functions host (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set) it listens on
/// 127.0.0.1:$PORT and answers <c>GET /</c> for the host's probe; standalone it listens on http://localhost:7071 (or
/// <c>urls</c>) and fires its own timers.
/// </summary>
public static class TradingApp
{
    /// <summary>
    /// OpenTelemetry: a trace per request with its storage calls (the Azure SDK's activity sources) and the app's own spans,
    /// the app's metrics, and logs carrying the trace id. Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, to
    /// Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set, nowhere otherwise.
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var appInsights = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("trading"))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation().AddSource(Telemetry.Name, "Azure.*");
                if (otlp) t.AddOtlpExporter();
                if (!string.IsNullOrEmpty(appInsights)) t.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights);
            })
            .WithMetrics(m =>
            {
                m.AddMeter(Telemetry.Name).AddAspNetCoreInstrumentation();
                if (otlp) m.AddOtlpExporter();
                if (!string.IsNullOrEmpty(appInsights)) m.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights);
            });
        builder.Logging.AddOpenTelemetry(l =>
        {
            l.IncludeFormattedMessage = true;
            if (otlp) l.AddOtlpExporter();
            if (!string.IsNullOrEmpty(appInsights)) l.AddAzureMonitorLogExporter(o => o.ConnectionString = appInsights);
        });
        // The console log lines carry the trace id too.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        var port = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        var customHandler = !string.IsNullOrEmpty(port);
        if (customHandler) builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        else if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://localhost:7071");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        // A background service that fails is logged; it never stops the server (which must keep serving and retrying).
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        AddTelemetry(builder);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var storage = new StorageOptions
        {
            ConnectionString = builder.Configuration["Trading:Storage"] ?? builder.Configuration["AzureWebJobsStorage"] ?? "UseDevelopmentStorage=true",
            Prefix = builder.Configuration["Trading:StoragePrefix"] ?? "",
        };
        if (TimeSpan.TryParse(builder.Configuration["Trading:StorageTimeout"], System.Globalization.CultureInfo.InvariantCulture, out var timeout))
            storage.NetworkTimeout = timeout;
        builder.Services.AddSingleton(storage);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StorageContext>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<IEnterpriseStore, TableEnterpriseStore>();
        builder.Services.AddSingleton<TableLedger>();
        builder.Services.AddSingleton<ILedger>(sp => sp.GetRequiredService<TableLedger>());
        builder.Services.AddSingleton<TableMarketRows>();
        builder.Services.AddSingleton<MarketHooks>();
        builder.Services.AddSingleton<TableBankRows>();
        builder.Services.AddSingleton<BankHooks>();
        builder.Services.AddSingleton<AuditMarks>();
        builder.Services.AddSingleton<EventMarks>();
        builder.Services.AddSingleton<EventOutbox>();
        builder.Services.AddSingleton<IEventRenderer, EventRenderer>();
        builder.Services.AddSingleton<OfferIndex>();
        builder.Services.AddSingleton<KeyBindings>();
        builder.Services.AddSingleton<MarketWriter>();
        builder.Services.AddSingleton<RegionRollups>();
        builder.Services.AddSingleton<Parties>();
        builder.Services.AddSingleton<OfferExpiry>();
        builder.Services.AddSingleton<AuctionCloser>();
        builder.Services.AddSingleton<LoanFigures>();
        builder.Services.AddSingleton<BankWriter>();
        builder.Services.AddSingleton<LoanSteps>();
        builder.Services.AddSingleton<EnterpriseImports>();
        builder.Services.AddHostedService<StorageStarter>();
        builder.Services.AddHostedService<Trading.Functions.ImportWorker>();
        builder.Services.AddSingleton<Authenticator>();
        builder.Services.AddSingleton(new EntraAuthOptions(EntraAuth.Configure(builder)));
        builder.Services.AddSingleton<MonthFigures>();
        builder.Services.AddSingleton<ReportStore>();
        builder.Services.AddSingleton<MonthCloser>();
        builder.Services.AddSingleton<TimerRunner>();
        builder.Services.AddSingleton<ProductStore>();
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddSingleton<MatchRefresher>();
        var seedDemo = builder.Configuration.GetValue<bool>("Trading:SeedDemo");
        builder.Services.AddSingleton(new DemoGate(open: !seedDemo));
        if (seedDemo) builder.Services.AddHostedService<DemoSeeder>();
        if (!customHandler && builder.Configuration.GetValue("Trading:Timers", true))
            builder.Services.AddHostedService<TimerScheduler>();
        builder.Services.AddSingleton(new HostingMode(customHandler));
        builder.Services.ConfigureHttpJsonOptions(OpenApiDescription.ConfigureJson);
        builder.Services.AddOpenApi(OpenApiDescription.DocumentName, OpenApiDescription.Configure);
        OpenApiDescription.KeepContentTypeChecksInHandlers(builder.Services);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<ProblemsMiddleware>();
        app.Use(async (context, next) =>
        {
            await context.RequestServices.GetRequiredService<StorageContext>().EnsureCreatedAsync(context.RequestAborted);
            await context.RequestServices.GetRequiredService<RegionRollups>().StartAsync(context.RequestAborted);
            await next(context);
        });
        app.MapGet("/", () => Results.Text(customHandler ? "Trading custom handler" : "Trading: see /api/health")).ExcludeFromDescription();
        foreach (var function in FunctionCatalog.All.OfType<HttpFunction>())
        {
            // Mapped as a route handler (not a RequestDelegate) so that the OpenAPI generator sees the endpoint.
            var endpoint = app.MapMethods("/api/" + function.Route, [function.Method], (Delegate)function.Handler).WithName(function.Name);
            OpenApiDescription.Describe(endpoint, function);
        }
        foreach (var timer in FunctionCatalog.All.OfType<TimerFunction>())
        {
            app.MapPost("/" + timer.Name, async context =>
            {
                var result = await TimerEndpoint.InvokeAsync(context, timer);
                await result.ExecuteAsync(context);
            }).WithName(timer.Name).ExcludeFromDescription();
        }
        app.MapFallback(context => throw new Core.NotFoundException($"No endpoint {context.Request.Method} {context.Request.Path}."))
            .ExcludeFromDescription();
        return app;
    }
}

/// <summary>Whether the Azure Functions host runs us (custom handler) or we run standalone.</summary>
public sealed record HostingMode(bool CustomHandler);

using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Writes;
using Trading.Infra;

namespace Trading.Functions.Hosting;

/// <summary>What both hosts register: storage, the stores and writers, authentication, telemetry, background work.</summary>
public static class TradingServices
{
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <param name="builder">The standalone server's <see cref="WebApplicationBuilder"/> or the worker's <c>FunctionsApplicationBuilder</c>.</param>
    /// <param name="functionsHost">Whether the Azure Functions host runs us (it fires the timers then) or we run standalone.</param>
    public static void Add(IHostApplicationBuilder builder, bool functionsHost)
    {
        var services = builder.Services;
        // The standalone server's limit; under the Functions host the host limits requests before they reach us.
        services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        // A background service that fails is logged; it never stops the server (which must keep serving and retrying).
        services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        AddTelemetry(builder, functionsHost);
        // Under the host the worker's logs go to the host over gRPC (the worker removes the console logger on purpose).
        if (!functionsHost) builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var configuration = builder.Configuration;
        var storage = new StorageOptions
        {
            ConnectionString = configuration["Trading:Storage"] ?? configuration["AzureWebJobsStorage"] ?? "UseDevelopmentStorage=true",
            Prefix = configuration["Trading:StoragePrefix"] ?? "",
        };
        if (TimeSpan.TryParse(configuration["Trading:StorageTimeout"], System.Globalization.CultureInfo.InvariantCulture, out var timeout))
            storage.NetworkTimeout = timeout;
        if (TimeSpan.TryParse(configuration["Trading:OutboxClaimLease"], System.Globalization.CultureInfo.InvariantCulture, out var claimLease))
            storage.OutboxClaimLease = claimLease;
        services.AddSingleton(storage);
        services.AddSingleton(TimeProvider.System);
        var budget = TimeSpan.TryParse(configuration["Trading:TimerBudget"], System.Globalization.CultureInfo.InvariantCulture, out var b) ? b : TimerBudgets.DefaultDuration;
        var stepLimit = long.TryParse(configuration["Trading:TimerStepLimit"], System.Globalization.CultureInfo.InvariantCulture, out var l) ? l : (long?)null;
        services.AddSingleton(sp => new TimerBudgets(sp.GetRequiredService<TimeProvider>(), budget, stepLimit));
        services.AddSingleton<StorageContext>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<IEnterpriseStore, TableEnterpriseStore>();
        services.AddSingleton<TableLedger>();
        services.AddSingleton<ILedger>(sp => sp.GetRequiredService<TableLedger>());
        services.AddSingleton<TableMarketRows>();
        services.AddSingleton<MarketHooks>();
        services.AddSingleton<TableBankRows>();
        services.AddSingleton<BankHooks>();
        services.AddSingleton<AuditMarks>();
        services.AddSingleton<EventMarks>();
        services.AddSingleton<EventOutbox>();
        services.AddSingleton<IEventRenderer, EventRenderer>();
        services.AddSingleton<OfferIndex>();
        services.AddSingleton<KeyBindings>();
        services.AddSingleton<MarketWriter>();
        services.AddSingleton<RegionRollups>();
        services.AddSingleton<Parties>();
        services.AddSingleton<DueIndex>();
        services.AddSingleton<DueBackfill>();
        services.AddSingleton<LoanMarks>();
        services.AddSingleton<OfferExpiry>();
        services.AddSingleton<AuctionCloser>();
        services.AddSingleton<LoanFigures>();
        services.AddSingleton<BankWriter>();
        services.AddSingleton<LoanSteps>();
        services.AddSingleton<EnterpriseImports>();
        services.AddHostedService<StorageStarter>();
        services.AddHostedService<ImportWorker>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton(new EntraAuthOptions(EntraAuth.Configure(builder)));
        services.AddSingleton<MonthFigures>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<MonthIndex>();
        services.AddSingleton<MonthCloser>();
        services.AddSingleton<TimerRunner>();
        services.AddSingleton<ProductStore>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<MatchRefresher>();
        var requestRefresh = TimeSpan.TryParse(configuration["Trading:RequestRefreshBudget"], System.Globalization.CultureInfo.InvariantCulture, out var r)
            ? r : RequestRefreshOptions.DefaultBudget;
        services.AddSingleton(new RequestRefreshOptions(requestRefresh, configuration.GetValue("Trading:RequestRefreshSteps", RequestRefreshOptions.DefaultSteps),
            configuration.GetValue("Trading:BackgroundRefresh", true)));
        services.AddSingleton<ProductRefreshWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ProductRefreshWorker>());
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertNotifier>();
        var seedDemo = configuration.GetValue<bool>("Trading:SeedDemo");
        services.AddSingleton(new DemoGate(open: !seedDemo));
        if (seedDemo) services.AddHostedService<DemoSeeder>();
        // Under the host, the host fires the timers (once across instances); standalone, we do.
        if (!functionsHost && configuration.GetValue("Trading:Timers", true)) services.AddHostedService<TimerScheduler>();
        services.AddSingleton(new HostingMode(functionsHost));
        services.AddSingleton<PublicRateLimiter>();
        services.ConfigureHttpJsonOptions(OpenApiDescription.ConfigureJson);
    }

    /// <summary>
    /// OpenTelemetry: a trace per request with its storage calls (the Azure SDK's activity sources) and the app's own spans,
    /// the app's metrics, and logs carrying the trace id. Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, to
    /// Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set, nowhere otherwise. Under the Functions host
    /// the worker's OpenTelemetry package adds the invocation's spans and the host's trace context
    /// (<c>UseFunctionsWorkerDefaults</c>).
    /// </summary>
    private static void AddTelemetry(IHostApplicationBuilder builder, bool functionsHost)
    {
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var otlp = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var appInsights = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var telemetry = builder.Services.AddOpenTelemetry()
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
        if (functionsHost) telemetry.UseFunctionsWorkerDefaults();
        builder.Logging.AddOpenTelemetry(l =>
        {
            l.IncludeFormattedMessage = true;
            if (otlp) l.AddOtlpExporter();
            if (!string.IsNullOrEmpty(appInsights)) l.AddAzureMonitorLogExporter(o => o.ConnectionString = appInsights);
        });
        // The console log lines carry the trace id too.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
    }
}

using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Trading.Infra;

/// <summary>Clients of every table and container the app uses, created on first use.</summary>
public sealed class StorageContext
{
    private readonly TableServiceClient _tables;
    private readonly BlobServiceClient _blobs;
    private readonly QueueServiceClient _queues;
    private readonly string _prefix;
    private readonly Lock _gate = new();
    private Task? _ready;

    public StorageContext(StorageOptions options)
    {
        if (options.Prefix.Any(c => !char.IsAsciiLetterOrDigit(c)))
            throw new ArgumentException("the storage prefix has letters and digits only", nameof(options));
        _prefix = options.Prefix.ToLowerInvariant();
        OutboxClaimLease = options.OutboxClaimLease;
        var tableOptions = new TableClientOptions();
        Configure(tableOptions.Retry, options.NetworkTimeout);
        var blobOptions = new BlobClientOptions();
        Configure(blobOptions.Retry, options.NetworkTimeout);
        var queueOptions = new QueueClientOptions();
        Configure(queueOptions.Retry, options.NetworkTimeout);
        // Every request that reaches storage is counted (each retry too): see StorageRequests.
        tableOptions.AddPolicy(new StorageRequestPolicy("table", _prefix, Requests), HttpPipelinePosition.PerRetry);
        blobOptions.AddPolicy(new StorageRequestPolicy("blob", _prefix, Requests), HttpPipelinePosition.PerRetry);
        queueOptions.AddPolicy(new StorageRequestPolicy("queue", _prefix, Requests), HttpPipelinePosition.PerRetry);
        if (options.Handler is { } handler)
        {
            tableOptions.Transport = new Azure.Core.Pipeline.HttpClientTransport(handler);
            blobOptions.Transport = new Azure.Core.Pipeline.HttpClientTransport(handler);
            queueOptions.Transport = new Azure.Core.Pipeline.HttpClientTransport(handler);
        }
        _tables = new TableServiceClient(options.ConnectionString, tableOptions);
        _blobs = new BlobServiceClient(options.ConnectionString, blobOptions);
        _queues = new QueueServiceClient(options.ConnectionString, queueOptions);
        Ledger = Table("ledger");
        Idempotency = Table("idempotency");
        HolderIndex = Table("holderindex");
        Markets = Table("markets");
        Enterprises = Table("enterprises");
        EnterprisesByRegion = Table("enterprisesbyregion");
        Keys = Table("keys");
        Closes = Table("closes");
        Products = Table("products");
        Matches = Table("matches");
        MatchesByFirm = Table("matchesbyfirm");
        OfferIndex = Table("offerindex");
        Loans = Table("loans");
        LoanFigures = Table("loanfigures");
        Imports = Table("imports");
        Rollups = Table("rollups");
        RollupMarks = Table("rollupmarks");
        MatchState = Table("matchstate");
        AuditMarks = Table("auditmarks");
        EventMarks = Table("eventmarks");
        Inbox = Table("inbox");
        Alerts = Table("alerts");
        EmergencyPlans = Table("emergencyplans");
        EmergencyRules = Table("emergencyrules");
        AlertNotices = Table("alertnotices");
        DueIndex = Table("dueindex");
        LoanMarks = Table("loanmarks");
        Events = _queues.GetQueueClient(_prefix + "trading-events");
        Reports = _blobs.GetBlobContainerClient(_prefix + "reports");
        Locks = _blobs.GetBlobContainerClient(_prefix + "locks");
        Audit = _blobs.GetBlobContainerClient(_prefix + "audit");
    }

    private static void Configure(RetryOptions retry, TimeSpan timeout)
    {
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(1);
        retry.NetworkTimeout = timeout;
    }

    /// <summary>The storage requests every client of this context made (<see cref="StorageRequestPolicy"/>).</summary>
    public StorageRequests Requests { get; } = new();

    private TableClient Table(string name) => _tables.GetTableClient(_prefix.Length == 0 ? name : _prefix + name);

    /// <summary>See <see cref="StorageOptions.OutboxClaimLease"/>.</summary>
    public TimeSpan OutboxClaimLease { get; }

    public TableClient Ledger { get; }
    public TableClient Idempotency { get; }
    public TableClient HolderIndex { get; }
    public TableClient Markets { get; }
    public TableClient Enterprises { get; }
    public TableClient EnterprisesByRegion { get; }
    public TableClient Keys { get; }
    public TableClient Closes { get; }
    public TableClient Products { get; }
    public TableClient Matches { get; }
    public TableClient MatchesByFirm { get; }
    public TableClient OfferIndex { get; }
    public TableClient Loans { get; }
    public TableClient LoanFigures { get; }
    public TableClient Imports { get; }
    public TableClient Rollups { get; }
    public TableClient RollupMarks { get; }

    /// <summary>What the incremental RefreshMatches reads: dirty marks, the grade-expiry index, the prices it last used, its last run.</summary>
    public TableClient MatchState { get; }

    /// <summary>Pending audit marks: the partitions whose audit records the copier has yet to move to blobs.</summary>
    public TableClient AuditMarks { get; }

    /// <summary>Pending event marks: the partitions whose events the copier has yet to send (<see cref="EventMarks"/>).</summary>
    public TableClient EventMarks { get; }

    /// <summary>Every recipient's events (PartitionKey the recipient, RowKey the event id), as copied from the books.</summary>
    public TableClient Inbox { get; }

    /// <summary>Heavy-pollution alerts by region prefix (the alerts book).</summary>
    public TableClient Alerts { get; }

    /// <summary>Firms' emergency plans by region (the plans book), read in bulk with a region's firms.</summary>
    public TableClient EmergencyPlans { get; }

    /// <summary>Industry rules by region prefix (the rules book).</summary>
    public TableClient EmergencyRules { get; }

    /// <summary>Alerts whose firms are still to be told (<see cref="AlertNotifier"/>): PartitionKey <c>pending</c>, RowKey the alert id.</summary>
    public TableClient AlertNotices { get; }
    /// <summary>Due work by the minute it falls due: offers' expiries and auctions' closes (<see cref="Infra.DueIndex"/>).</summary>
    public TableClient DueIndex { get; }

    /// <summary>Pending loan-counter marks: the banks whose new loans <see cref="Infra.LoanFigures"/> has yet to count (<see cref="Infra.LoanMarks"/>).</summary>
    public TableClient LoanMarks { get; }

    /// <summary>The queue <c>trading-events</c>: every event as a CloudEvents 1.0 JSON message.</summary>
    public QueueClient Events { get; }
    public BlobContainerClient Reports { get; }
    public BlobContainerClient Locks { get; }
    public BlobContainerClient Audit { get; }

    public IEnumerable<TableClient> AllTables => [Ledger, Idempotency, HolderIndex, Markets, Enterprises, EnterprisesByRegion, Keys, Closes, Products, Matches, MatchesByFirm, OfferIndex, Loans, LoanFigures, Imports, Rollups, RollupMarks, MatchState, AuditMarks, EventMarks, Inbox, Alerts, EmergencyPlans, EmergencyRules, AlertNotices, DueIndex, LoanMarks];

    /// <summary>The table of a book whose partitions take writes through the shell (its rows, audit records and idempotency records).</summary>
    public TableClient BookTable(string book) => book switch
    {
        Books.Ledger => Ledger,
        Books.Loans => Loans,
        Books.Keys => Keys,
        Books.Enterprises => Enterprises,
        Books.Products => Products,
        Books.Imports => Imports,
        Books.Alerts => Alerts,
        Books.Plans => EmergencyPlans,
        Books.Rules => EmergencyRules,
        _ => throw new ArgumentException($"no book {book}", nameof(book)),
    };

    /// <summary>
    /// Creates every table and container once per process. Idempotent; after a failure (storage down) the next call
    /// tries again, and once it has succeeded no call touches storage.
    /// </summary>
    public Task EnsureCreatedAsync(CancellationToken ct = default)
    {
        Task ready;
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled) _ready = CreateAllAsync();
            ready = _ready;
        }
        return ready.IsCompletedSuccessfully ? Task.CompletedTask : ready.WaitAsync(ct);
    }

    /// <summary>A table or container was found missing: the next request creates them again.</summary>
    public void ForgetCreated()
    {
        lock (_gate) _ready = null;
    }

    private async Task CreateAllAsync()
    {
        await Task.WhenAll(AllTables.Select(t => t.CreateIfNotExistsAsync()));
        await Task.WhenAll(Audit.CreateIfNotExistsAsync(), Reports.CreateIfNotExistsAsync(), Locks.CreateIfNotExistsAsync(), Events.CreateIfNotExistsAsync());
    }

    /// <summary>One cheap call that proves storage answers.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await Keys.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct).AsPages().FirstAsync(ct);
    }
}

using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Registers;
using Trading.Core.Writes;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Enterprises: one partition per firm (its credit code) holding its row (row key = the credit code), and the register's
/// head, audit and idempotency rows (<see cref="BookLayout.Register"/>, sorting after it); a copy keyed by region then
/// credit code serves lists by region prefix (a partition-key range). A PUT is the use case <see cref="PutEnterprise"/>
/// through the one shell on the book <see cref="Books.Enterprises"/>: the audit record commits with the row, an identical
/// PUT writes nothing. Around the commit (<see cref="RegisterHooks"/>): the loan-match dirty mark and the grade-expiry
/// index before it, the by-region copy and the mark touched after it. The copy is written after the main row; a failure
/// between the two leaves the list stale until the next PUT or import of that firm (which repairs it, even when unchanged),
/// never the profile.
/// </summary>
public sealed class TableEnterpriseStore : IEnterpriseStore
{
    private readonly StorageContext storage;
    private readonly AuditMarks _auditMarks;
    private readonly WriteShell<RegisterReads, RegisterSnapshot<Enterprise>> _shell;
    private readonly WriteShell<RegisterReads, RegisterSnapshot<Enterprise>> _bulkShell;

    public TableEnterpriseStore(StorageContext storage, KeyBindings bindings, AuditMarks auditMarks, ILogger<TableEnterpriseStore> logger, TimeProvider time)
    {
        this.storage = storage;
        _auditMarks = auditMarks;
        var rows = new TableRegisterRows<Enterprise>(storage, Books.Enterprises, FromEntity);
        _shell = new(Books.Enterprises, rows, bindings, new RegisterHooks(Books.Enterprises, storage, auditMarks, logger), time);
        _bulkShell = new(Books.Enterprises, rows, bindings, new RegisterHooks(Books.Enterprises, storage, auditMarks, logger, bulk: true), time);
    }

    /// <summary>
    /// The row key of a firm's row before it became the credit code. Azurite indexes a lookup by its RowKey first, so a
    /// row key that every firm shares made each point read or insert a scan of all firms (50,000 imported rows never
    /// finished); Azure itself finds a row by both keys alike. Rows written under the old key are still read.
    /// </summary>
    private const string LegacyProfileRow = "profile";

    private static string ProfileRow(string code) => code;

    public async Task<Enterprise?> GetAsync(CreditCode code, CancellationToken ct)
    {
        var found = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(code.Value, ProfileRow(code.Value), cancellationToken: ct);
        if (!found.HasValue) found = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(code.Value, LegacyProfileRow, cancellationToken: ct);
        return found.HasValue && found.Value is not null ? FromEntity(found.Value) : null;
    }

    /// <summary>
    /// Creates or replaces the firm through <see cref="PutEnterprise"/> (scope checked inside it). Concurrent PUTs of one
    /// firm are serialised by its head (the shell retries a lost race: the last writer wins, as two PUTs one after the
    /// other would). An unchanged firm's by-region copy is written again (a repair; it changes nothing else).
    /// </summary>
    public async Task<EnterprisePut> PutAsync(Enterprise enterprise, Principal caller, Func<EnterprisePut, string> render, string? traceId, CancellationToken ct)
    {
        await MoveLegacyRowAsync(enterprise.CreditCode.Value, ct);
        var outcome = await _shell.ExecuteAsync(new PutEnterprise(enterprise), caller, null, render, traceId, ct);
        var put = outcome.Answer!;
        if (put.Outcome == PutOutcome.Unchanged) await CopyByRegionAsync(storage, [new RegisteredEnterprise(put.Enterprise, null)], ct);
        return put;
    }

    /// <summary>Bounded concurrency of the bulk write (each firm is its own partition: no transactions across firms).</summary>
    public const int BulkConcurrency = 32;

    /// <summary>
    /// Bulk create-or-replace (an import's chunk): every firm through <see cref="PutEnterprise"/> on the shell, so each firm's
    /// row commits with its audit record and a firm stored with the same fields is not written (no audit record). What the
    /// hooks do per write is done per chunk instead: the loan-match dirty marks, the grade-expiry index and the pending audit
    /// marks before any commit (in batches), the by-region copies after (in transactions of up to 100 per region partition,
    /// also for unchanged firms: that repairs a copy a stop cut off), and the dirty marks of changed firms touched. Rows of
    /// one firm run in order; different firms with bounded concurrency. A row refused by the use case (scope) is reported.
    /// </summary>
    public async Task<IReadOnlyList<(PutOutcome Outcome, string? Error)>> PutManyAsync(IReadOnlyList<Enterprise> firms, Principal caller, Func<EnterprisePut, string> render,
        string? traceId, CancellationToken ct)
    {
        var outcomes = new (PutOutcome Outcome, string? Error)[firms.Count];
        if (firms.Count == 0) return outcomes;
        var marks = firms.Select(f => MatchMarks.Firm(f.CreditCode.Value)).ToList();
        await Task.WhenAll(MatchMarks.MarkAsync(storage, marks, ct), MatchMarks.ExpiriesAsync(storage, firms, ct),
            _auditMarks.MarkManyAsync(Books.Enterprises, firms.Select(f => f.CreditCode.Value), ct));

        var groups = Enumerable.Range(0, firms.Count).GroupBy(i => firms[i].CreditCode.Value, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var finals = await Bounded.SelectAsync(groups, async indexes =>
        {
            Enterprise? stored = null;
            RegionCode? movedFrom = null;
            foreach (var i in indexes)
            {
                await MoveLegacyRowAsync(firms[i].CreditCode.Value, ct);
                try
                {
                    var outcome = await _bulkShell.ExecuteAsync(new PutEnterprise(firms[i]), caller, null, render, traceId, ct);
                    var put = outcome.Answer!;
                    outcomes[i] = (put.Outcome, null);
                    stored = put.Enterprise;
                    movedFrom ??= put.MovedFrom;
                }
                catch (ForbiddenException ex)
                {
                    outcomes[i] = (PutOutcome.Refused, ex.Message);
                }
            }
            return stored is null ? null : new RegisteredEnterprise(stored, movedFrom);
        }, BulkConcurrency, ct);

        await CopyByRegionAsync(storage, finals.OfType<RegisteredEnterprise>().ToList(), ct);
        // The chunk's audit marks again where they are older than a renewal by now (a long chunk): see AuditMarks.
        await _auditMarks.MarkManyAsync(Books.Enterprises, firms.Select(f => f.CreditCode.Value), ct);
        var changed = Enumerable.Range(0, firms.Count).Where(i => outcomes[i].Outcome is PutOutcome.Created or PutOutcome.Updated).Select(i => marks[i]);
        await MatchMarks.MarkAsync(storage, changed, ct);
        return outcomes;
    }

    /// <summary>
    /// Writes the by-region copies of firms as stored (up to 100 per transaction of one region partition) and removes the
    /// copy under the region a firm moved from.
    /// </summary>
    internal static async Task CopyByRegionAsync(StorageContext storage, IReadOnlyList<RegisteredEnterprise> firms, CancellationToken ct)
    {
        if (firms.Count == 0) return;
        var copies = firms.Select(f => ToEntity(f.Enterprise, f.Enterprise.Region.Value, f.Enterprise.CreditCode.Value))
            .GroupBy(e => (e.PartitionKey, e.RowKey)).Select(g => g.Last()).ToList();
        if (copies.Count == 1) await storage.EnterprisesByRegion.UpsertEntityAsync(copies[0], TableUpdateMode.Replace, ct);
        else
        {
            var batches = copies.GroupBy(e => e.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();
            await Bounded.SelectAsync(batches, async batch =>
                await storage.EnterprisesByRegion.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct),
                Bounded.DefaultConcurrency, ct);
        }
        var moved = firms.Where(f => f.MovedFrom is { } from && from != f.Enterprise.Region).ToList();
        await Bounded.SelectAsync(moved, async f =>
        {
            try { await storage.EnterprisesByRegion.DeleteEntityAsync(f.MovedFrom!.Value.Value, f.Enterprise.CreditCode.Value, ETag.All, ct); }
            catch (RequestFailedException ex) when (ex.Status == 404) { /* already gone */ }
            return 0;
        }, Bounded.DefaultConcurrency, ct);
    }

    /// <summary>
    /// A firm stored under the legacy row key is moved to its credit code before it is written, so that the write sees
    /// it as existing (the caller's scope is checked against it, its old by-region copy is removed) and no second row is
    /// left behind. A point read of a key no new row has: on storage without legacy rows it finds nothing at once.
    /// (A migration of old rows, idempotent, not a change of the register: no audit record.)
    /// </summary>
    private async Task MoveLegacyRowAsync(string code, CancellationToken ct)
    {
        var legacy = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(code, LegacyProfileRow, cancellationToken: ct);
        if (!legacy.HasValue || legacy.Value is null) return;
        try { await storage.Enterprises.AddEntityAsync(ToEntity(FromEntity(legacy.Value), code, ProfileRow(code)), ct); }
        catch (RequestFailedException ex) when (ex.Status == 409) { /* moved already (a concurrent write) */ }
        try { await storage.Enterprises.DeleteEntityAsync(code, LegacyProfileRow, legacy.Value.ETag, ct); }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { /* removed or moved already */ }
    }

    /// <summary>
    /// Point reads of only the <c>Name</c> of each distinct firm, concurrently (each firm is its own partition: one query
    /// across partitions would scan the table), falling back to the legacy row key like <see cref="GetAsync"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<CreditCode, string>> NamesAsync(IReadOnlyCollection<CreditCode> codes, CancellationToken ct)
    {
        var distinct = codes.Distinct().ToList();
        var names = await Bounded.SelectAsync(distinct, async code =>
        {
            var found = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(code.Value, ProfileRow(code.Value), select: ["Name"], cancellationToken: ct);
            if (!found.HasValue) found = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(code.Value, LegacyProfileRow, select: ["Name"], cancellationToken: ct);
            return found.HasValue && found.Value?.GetString("Name") is { } name ? name : null;
        }, Bounded.DefaultConcurrency, ct);
        var result = new Dictionary<CreditCode, string>();
        for (var i = 0; i < distinct.Count; i++)
            if (names[i] is { } name) result[distinct[i]] = name;
        return result;
    }

    /// <summary>A firm's row in its partition.</summary>
    internal static TableEntity ProfileEntity(Enterprise e) => ToEntity(e, e.CreditCode.Value, ProfileRow(e.CreditCode.Value));

    public async Task<ListPage<Enterprise>> ListAsync(RegionPrefix region, PerformanceGrade? grade, int pageSize, string? continuationToken, CancellationToken ct)
    {
        var filters = new List<string>();
        if (region.Value.Length > 0)
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey ge {region.Value} and PartitionKey lt {region.Value + ":"}"));
        if (grade is { } g) filters.Add(TableClient.CreateQueryFilter($"Grade eq {g.ToString()}"));
        var filter = filters.Count == 0 ? null : string.Join(" and ", filters);
        var pages = storage.EnterprisesByRegion.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: ct)
            .AsPages(ContinuationTokens.Decode(continuationToken), pageSize);
        await foreach (var page in pages)
            return new ListPage<Enterprise>(page.Values.Select(FromEntity).ToList(), ContinuationTokens.Encode(page.ContinuationToken));
        return new ListPage<Enterprise>([], null);
    }

    internal static TableEntity ToEntity(Enterprise e, string pk, string rk) => new(pk, rk)
    {
        ["CreditCode"] = e.CreditCode.Value,
        ["Name"] = e.Name,
        ["Region"] = e.Region.Value,
        ["Industry"] = e.Industry.ToString(),
        ["Grade"] = e.Grade.ToString(),
        ["GradeValidUntil"] = e.GradeValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["PositiveList"] = e.PositiveList,
        ["CreditRating"] = e.CreditRating.ToString(),
        ["UpdatedAt"] = e.UpdatedAt,
    };

    internal static Enterprise FromEntity(TableEntity t) => new(
        CreditCode.Parse(t.GetString("CreditCode")),
        t.GetString("Name"),
        RegionCode.Parse(t.GetString("Region")),
        Enum.Parse<Industry>(t.GetString("Industry")),
        Enum.Parse<PerformanceGrade>(t.GetString("Grade")),
        t.GetString("GradeValidUntil") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        t.GetBoolean("PositiveList") ?? false,
        Enum.Parse<CreditRating>(t.GetString("CreditRating")),
        t.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue);
}

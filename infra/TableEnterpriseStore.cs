using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;

namespace Trading.Infra;

/// <summary>
/// Enterprises: one row per firm keyed by credit code (point reads), and a copy keyed by region then credit code
/// (lists by region prefix are a partition-key range). The copy is written after the main row; a failure between the
/// two leaves the list stale until the next PUT of that firm, never the profile.
/// </summary>
public sealed class TableEnterpriseStore(StorageContext storage) : IEnterpriseStore
{
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
    /// Creates or replaces the firm. Concurrent first PUTs race on Add; the loser reads the winner's row and replaces it
    /// under If-Match (the last writer wins, as two PUTs one after the other would), so neither gets an error.
    /// </summary>
    public async Task<bool> PutAsync(Enterprise enterprise, Action<Enterprise>? checkExisting, CancellationToken ct)
    {
        var entity = ToEntity(enterprise, enterprise.CreditCode.Value, ProfileRow(enterprise.CreditCode.Value));
        // Loan matches: the firm is marked dirty (and its grade's expiry indexed) before its row changes, touched after;
        // a PUT refused by checkExisting writes nothing.
        var mark = MatchMarks.Firm(enterprise.CreditCode.Value);
        var marked = false;
        await MoveLegacyRowAsync(enterprise.CreditCode.Value, ct);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(enterprise.CreditCode.Value, ProfileRow(enterprise.CreditCode.Value), cancellationToken: ct);
            string? oldRegion = null;
            if (existing.HasValue && existing.Value is not null) checkExisting?.Invoke(FromEntity(existing.Value));
            if (!marked)
            {
                await MatchMarks.MarkAsync(storage, [mark], ct);
                await MatchMarks.ExpiriesAsync(storage, [enterprise], ct);
                marked = true;
            }
            try
            {
                if (existing.HasValue && existing.Value is not null)
                {
                    oldRegion = existing.Value.GetString("Region");
                    await storage.Enterprises.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, ct);
                }
                else await storage.Enterprises.AddEntityAsync(entity, ct);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                continue; // another PUT of the same firm came first: read it and replace it
            }
            await storage.EnterprisesByRegion.UpsertEntityAsync(ToEntity(enterprise, enterprise.Region.Value, enterprise.CreditCode.Value), TableUpdateMode.Replace, ct);
            if (oldRegion is not null && oldRegion != enterprise.Region.Value)
            {
                try { await storage.EnterprisesByRegion.DeleteEntityAsync(oldRegion, enterprise.CreditCode.Value, ETag.All, ct); }
                catch (RequestFailedException ex) when (ex.Status == 404) { /* a concurrent PUT removed it */ }
            }
            await MatchMarks.MarkAsync(storage, [mark], ct);
            return oldRegion is null;
        }
    }

    /// <summary>Bounded concurrency of the bulk write (each firm is its own partition: no transactions across firms).</summary>
    public const int BulkConcurrency = 32;

    /// <summary>
    /// Bulk create-or-replace without a read per row: Add first; only on 409 (the firm exists) its row is read, and
    /// replaced under If-Match only if a field differs. Rows of one firm run in order; different firms run with bounded
    /// concurrency. The by-region copies are then upserted in transactions of up to 100 per region partition (also for
    /// unchanged firms, from the stored row: that repairs a copy a stop cut off and changes nothing else).
    /// </summary>
    public async Task<IReadOnlyList<(PutOutcome Outcome, string? Error)>> PutManyAsync(IReadOnlyList<Enterprise> firms, Func<Enterprise, string?> refuseExisting, CancellationToken ct)
    {
        var outcomes = new (PutOutcome Outcome, string? Error)[firms.Count];
        if (firms.Count == 0) return outcomes;
        var marks = firms.Select(f => MatchMarks.Firm(f.CreditCode.Value)).ToList();
        await MatchMarks.MarkAsync(storage, marks, ct);
        await MatchMarks.ExpiriesAsync(storage, firms, ct);

        var groups = Enumerable.Range(0, firms.Count).GroupBy(i => firms[i].CreditCode.Value, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var finals = await Bounded.SelectAsync(groups, async indexes =>
        {
            Enterprise? stored = null;
            string? oldRegion = null;
            foreach (var i in indexes)
            {
                var (outcome, error, now, before) = await PutOneAsync(firms[i], refuseExisting, ct);
                outcomes[i] = (outcome, error);
                if (outcome == PutOutcome.Refused) continue;
                oldRegion ??= before;
                stored = now;
            }
            return (Stored: stored, OldRegion: oldRegion);
        }, BulkConcurrency, ct);

        var copies = finals.Where(f => f.Stored is not null).Select(f => ToEntity(f.Stored!, f.Stored!.Region.Value, f.Stored.CreditCode.Value)).ToList();
        var batches = copies.GroupBy(e => e.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();
        await Bounded.SelectAsync(batches, async batch =>
            await storage.EnterprisesByRegion.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct),
            Bounded.DefaultConcurrency, ct);
        var moved = finals.Where(f => f.Stored is not null && f.OldRegion is not null && f.OldRegion != f.Stored.Region.Value).ToList();
        await Bounded.SelectAsync(moved, async f =>
        {
            try { await storage.EnterprisesByRegion.DeleteEntityAsync(f.OldRegion!, f.Stored!.CreditCode.Value, ETag.All, ct); }
            catch (RequestFailedException ex) when (ex.Status == 404) { /* already gone */ }
            return 0;
        }, Bounded.DefaultConcurrency, ct);

        var changed = Enumerable.Range(0, firms.Count).Where(i => outcomes[i].Outcome is PutOutcome.Created or PutOutcome.Updated).Select(i => marks[i]);
        await MatchMarks.MarkAsync(storage, changed, ct);
        return outcomes;
    }

    /// <summary>One row of a bulk write: the outcome, the firm as stored after it, and the region it had before (if it existed).</summary>
    private async Task<(PutOutcome, string?, Enterprise?, string?)> PutOneAsync(Enterprise firm, Func<Enterprise, string?> refuseExisting, CancellationToken ct)
    {
        var entity = ToEntity(firm, firm.CreditCode.Value, ProfileRow(firm.CreditCode.Value));
        await MoveLegacyRowAsync(firm.CreditCode.Value, ct);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await storage.Enterprises.AddEntityAsync(entity, ct);
                return (PutOutcome.Created, null, firm, null);
            }
            catch (RequestFailedException ex) when (ex.Status == 409) { /* it exists: compare */ }
            var existing = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(firm.CreditCode.Value, ProfileRow(firm.CreditCode.Value), cancellationToken: ct);
            if (!existing.HasValue || existing.Value is null) continue; // removed meanwhile: add again
            var old = FromEntity(existing.Value);
            if (refuseExisting(old) is { } error) return (PutOutcome.Refused, error, null, null);
            if (SameFields(old, firm)) return (PutOutcome.Unchanged, null, old, old.Region.Value);
            try
            {
                await storage.Enterprises.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, ct);
                return (PutOutcome.Updated, null, firm, old.Region.Value);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404 && attempt < 10) { /* changed meanwhile: again */ }
        }
    }

    /// <summary>
    /// A firm stored under the legacy row key is moved to its credit code before it is written, so that the write sees
    /// it as existing (the caller's scope is checked against it, its old by-region copy is removed) and no second row is
    /// left behind. A point read of a key no new row has: on storage without legacy rows it finds nothing at once.
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

    /// <summary>Every field a client sets (not <c>UpdatedAt</c>).</summary>
    private static bool SameFields(Enterprise a, Enterprise b) =>
        a.Name == b.Name && a.Region == b.Region && a.Industry == b.Industry && a.Grade == b.Grade && a.GradeValidUntil == b.GradeValidUntil
        && a.PositiveList == b.PositiveList && a.CreditRating == b.CreditRating;

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

    private static TableEntity ToEntity(Enterprise e, string pk, string rk) => new(pk, rk)
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

    private static Enterprise FromEntity(TableEntity t) => new(
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

/// <summary>Continuation tokens on the wire: opaque base64url of the storage token.</summary>
public static class ContinuationTokens
{
    public static string? Encode(string? raw) => raw is null ? null : Hashing.Base64Url(System.Text.Encoding.UTF8.GetBytes(raw));

    /// <summary>
    /// Decodes a token from <see cref="Encode"/>; a token that is not one throws a 400: not base64url, not UTF-8, with a
    /// control character, or longer than any storage key (a table key is at most 1 KiB; a longer one made storage answer
    /// 400, which was a 500 here).
    /// </summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var refused = Core.ValidationException.For("continuationToken", "is not a token this API gave");
        if (token.Length > MaxTokenChars) throw refused;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var bytes = Convert.FromBase64String(b64);
            var raw = s_strictUtf8.GetString(bytes);
            return bytes.Length > MaxKeyBytes || raw.Any(char.IsControl) ? throw refused : raw;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.DecoderFallbackException)
        {
            throw refused;
        }
    }

    /// <summary>The longest storage token or key a token holds (UTF-8): a table key is at most 1 KiB, and ours are far shorter.</summary>
    private const int MaxKeyBytes = 1024;

    /// <summary>Base64 of <see cref="MaxKeyBytes"/>: no longer token is decoded.</summary>
    private const int MaxTokenChars = (MaxKeyBytes + 2) / 3 * 4;

    private static readonly System.Text.UTF8Encoding s_strictUtf8 = new(false, throwOnInvalidBytes: true);
}

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
    private const string ProfileRow = "profile";

    public async Task<Enterprise?> GetAsync(CreditCode code, CancellationToken ct)
    {
        var found = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(code.Value, ProfileRow, cancellationToken: ct);
        return found.HasValue && found.Value is not null ? FromEntity(found.Value) : null;
    }

    /// <summary>
    /// Creates or replaces the firm. Concurrent first PUTs race on Add; the loser reads the winner's row and replaces it
    /// under If-Match (the last writer wins, as two PUTs one after the other would), so neither gets an error.
    /// </summary>
    public async Task<bool> PutAsync(Enterprise enterprise, Action<Enterprise>? checkExisting, CancellationToken ct)
    {
        var entity = ToEntity(enterprise, enterprise.CreditCode.Value, ProfileRow);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await storage.Enterprises.GetEntityIfExistsAsync<TableEntity>(enterprise.CreditCode.Value, ProfileRow, cancellationToken: ct);
            string? oldRegion = null;
            try
            {
                if (existing.HasValue && existing.Value is not null)
                {
                    checkExisting?.Invoke(FromEntity(existing.Value));
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
            return oldRegion is null;
        }
    }

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

    /// <summary>Decodes a token from <see cref="Encode"/>; a token that is not one throws a 400.</summary>
    public static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(b64));
        }
        catch (FormatException)
        {
            throw Core.ValidationException.For("continuationToken", "is not a token this API gave");
        }
    }
}

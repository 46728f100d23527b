using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Trading.Core.Primitives;
using Trading.Infra;

namespace Trading.Tests.Support;

/// <summary>What CloseMonth writes, as one comparable text: month rows, the months' close states, every report blob's SHA-256.</summary>
public static class ClosedState
{
    /// <summary>Month rows (of <paramref name="month"/>, or all), the months' close states and every report blob's bytes (hashed), sorted.</summary>
    public static async Task<string> ReadAsync(StorageContext storage, ReportingMonth? month = null)
    {
        var lines = new List<string>();
        var filter = month is { } m
            ? TableClient.CreateQueryFilter($"RowKey eq {LedgerRows.Month(m)}")
            : TableClient.CreateQueryFilter($"RowKey ge {LedgerRows.MonthFirst} and RowKey lt {LedgerRows.MonthLast}");
        await foreach (var e in storage.Ledger.QueryAsync<TableEntity>(filter))
            lines.Add($"{e.PartitionKey}|{e.RowKey}|{string.Join(";", e.Where(p => p.Key is not ("odata.etag" or "Timestamp")).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}");
        await foreach (var e in storage.Closes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {MonthFigures.ClosesPartition}")))
            lines.Add($"close|{e.RowKey}|{e.GetString("State")}");
        await foreach (BlobItem b in storage.Reports.GetBlobsAsync())
            lines.Add($"blob|{b.Name}|{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData((await storage.Reports.GetBlobClient(b.Name).DownloadContentAsync()).Value.Content.ToArray()))}");
        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines);
    }
}

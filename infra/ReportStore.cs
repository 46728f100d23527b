using System.Globalization;
using Azure;
using Trading.Core.Primitives;
using Trading.Core.Reporting;

namespace Trading.Infra;

/// <summary>Report blobs: <c>reports/{yyyy}/{MM}/report.json</c> and <c>.csv</c>, for all markets of the month.</summary>
public sealed class ReportStore(StorageContext storage)
{
    public static string BlobName(ReportingMonth month, string extension) =>
        string.Create(CultureInfo.InvariantCulture, $"{month.Year:D4}/{month.Month:D2}/report.{extension}");

    public async Task WriteAsync(MonthReport report, CancellationToken ct)
    {
        var json = TradingJson.Serialize(ReportJson.View(report));
        await storage.Reports.GetBlobClient(BlobName(report.Month, "json"))
            .UploadAsync(BinaryData.FromString(json), overwrite: true, ct);
        await storage.Reports.GetBlobClient(BlobName(report.Month, "csv"))
            .UploadAsync(BinaryData.FromString(report.ToCsv()), overwrite: true, ct);
    }

    /// <summary>The month's report narrowed to <paramref name="region"/>, or null when the month has no report (not closed).</summary>
    public async Task<MonthReport?> ReadAsync(ReportingMonth month, RegionPrefix region, CancellationToken ct)
    {
        var blob = storage.Reports.GetBlobClient(BlobName(month, "json"));
        try
        {
            var content = await blob.DownloadContentAsync(ct);
            return MonthReport.Build(month, region, ReportJson.Lines(content.Value.Content.ToString()));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}

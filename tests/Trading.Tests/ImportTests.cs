using System.Text;
using Trading.Core.Primitives;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>Bulk import of enterprises from CSV against real Azurite.</summary>
public sealed class ImportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>
    /// Rows of the large import: 3,000 in ./test.sh (Azurite is shared by every test, and 50,000 single-entity writes
    /// starve the others); TRADING_IMPORT_ROWS=50000 runs the full size on its own.
    /// </summary>
    public static int Rows => int.TryParse(Environment.GetEnvironmentVariable("TRADING_IMPORT_ROWS"), out var n) ? n : 3_000;

    private static async Task<Reply> PostCsvAsync(HttpClient client, string csv, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports/enterprises") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply((int)response.StatusCode, text, response.Content.Headers.ContentType,
            response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase));
    }

    private static async Task<JObject> WaitDoneAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(6);
        JObject job;
        do
        {
            await Task.Delay(500);
            job = (await client.GetJsonAsync($"/api/imports/{id}")).Expect(200).Body;
        } while (job["status"]!.Value<string>() != "done" && DateTime.UtcNow < deadline);
        return job;
    }

    [Fact]
    public async Task A_large_import_with_bad_rows_mixed_in_finishes_with_the_right_counts_and_the_same_file_again_changes_nothing()
    {
        var rows = Rows;
        var csv = new StringBuilder("\uFEFF统一社会信用代码,企业名称,行政区划,行业,绩效等级,等级有效期,正面清单,环境信用\n");
        var expectedErrors = new SortedDictionary<long, string>();
        var firstGood = "";
        for (var i = 1; i <= rows; i++)
        {
            var code = CreditCode.FromBody($"91139{i % 10:D1}00" + i.ToString("D9")).Value;
            var (name, industry, grade, until) = ($"导入企业{i}", "Furniture", "B", "2027-12-31");
            if (i % 997 == 0) { code = code[..17] + (code[17] == '0' ? '1' : '0'); expectedErrors[i] = "creditCode"; }
            else if (i % 1009 == 0) { industry = "Mining"; expectedErrors[i] = "industry"; }
            else if (i % 2003 == 0) { until = ""; expectedErrors[i] = "gradeValidUntil"; }
            else if (firstGood == "") firstGood = code;
            csv.Append(code).Append(',').Append(name).Append(",139").Append(i % 10).Append("00,").Append(industry).Append(',').Append(grade).Append(',').Append(until)
                .Append(i % 2 == 0 ? ",是," : ",否,").Append("Blue\n");
        }
        var started = (await PostCsvAsync(api.Admin, csv.ToString(), "import-1")).Expect(202);
        var id = started.Body["id"]!.Value<string>()!;
        Assert.Equal($"/api/imports/{id}", started.Header("Location"));
        Assert.Equal(rows, started.Body["rows"]!.Value<long>());

        var job = await WaitDoneAsync(api.Admin, id);
        Assert.Equal("done", job["status"]!.Value<string>());
        Assert.Equal(rows, job["done"]!.Value<long>());
        Assert.Equal(expectedErrors.Count, job["failed"]!.Value<long>());
        Assert.Equal(rows - expectedErrors.Count, job["created"]!.Value<long>() + job["updated"]!.Value<long>());
        Assert.Equal(rows - expectedErrors.Count, job["created"]!.Value<long>());
        Assert.Equal(expectedErrors.Select(e => (e.Key, e.Value)), job["errors"]!.Select(e => (e["row"]!.Value<long>(), e["field"]!.Value<string>()!)));
        var firm = (await api.Admin.GetJsonAsync($"/api/enterprises/{firstGood}")).Expect(200).Body;
        Assert.Equal("Furniture", firm["industry"]!.Value<string>());

        // The same file with the same key: the same job, nothing written again.
        var again = (await PostCsvAsync(api.Admin, csv.ToString(), "import-1")).Expect(202);
        Assert.Equal(id, again.Body["id"]!.Value<string>());
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        Assert.Equal(firm["updatedAt"]!.Value<string>(), (await api.Admin.GetJsonAsync($"/api/enterprises/{firstGood}")).Body["updatedAt"]!.Value<string>());
        Assert.Equal(job.ToString(), (await api.Admin.GetJsonAsync($"/api/imports/{id}")).Body.ToString());
        (await PostCsvAsync(api.Admin, csv.ToString().Replace("导入企业1,", "导入企业一,"), "import-1")).Expect(422);
    }

    [Fact]
    public async Task The_same_rows_under_another_key_are_counted_unchanged_and_not_written_and_a_changed_row_is_updated()
    {
        var codes = Enumerable.Range(0, 20).Select(_ => ApiFixture.NewCreditCode("139701").Value).ToList();
        string Csv(string grade) => "creditCode,name,region,industry,grade,gradeValidUntil,positiveList,creditRating\n"
            + string.Concat(codes.Select((c, i) => $"{c},企业{i},139701,Cement,{(i == 0 ? grade : "B")},2027-12-31,是,Blue\n"));
        var first = await WaitDoneAsync(api.Admin, (await PostCsvAsync(api.Admin, Csv("B"), "same-1")).Expect(202).Body["id"]!.Value<string>()!);
        Assert.Equal((20L, 0L, 0L), (first["created"]!.Value<long>(), first["updated"]!.Value<long>(), first["unchanged"]!.Value<long>()));
        var before = (await api.Admin.GetJsonAsync($"/api/enterprises/{codes[5]}")).Expect(200).Body["updatedAt"]!.Value<string>();

        var again = await WaitDoneAsync(api.Admin, (await PostCsvAsync(api.Admin, Csv("B"), "same-2")).Expect(202).Body["id"]!.Value<string>()!);
        Assert.Equal((0L, 0L, 20L, 0L), (again["created"]!.Value<long>(), again["updated"]!.Value<long>(), again["unchanged"]!.Value<long>(), again["failed"]!.Value<long>()));
        Assert.Equal(before, (await api.Admin.GetJsonAsync($"/api/enterprises/{codes[5]}")).Body["updatedAt"]!.Value<string>());

        var changed = await WaitDoneAsync(api.Admin, (await PostCsvAsync(api.Admin, Csv("A"), "same-3")).Expect(202).Body["id"]!.Value<string>()!);
        Assert.Equal((0L, 1L, 19L), (changed["created"]!.Value<long>(), changed["updated"]!.Value<long>(), changed["unchanged"]!.Value<long>()));
        Assert.Equal("A", (await api.Admin.GetJsonAsync($"/api/enterprises/{codes[0]}")).Body["grade"]!.Value<string>());
        var listed = (await api.Admin.GetJsonAsync("/api/enterprises?region=139701&pageSize=100")).Expect(200).Body["items"]!;
        Assert.Equal(20, listed.Count());
        Assert.Contains(listed, i => i["creditCode"]!.Value<string>() == codes[0] && i["grade"]!.Value<string>() == "A");
    }

    [Fact]
    public async Task Rows_outside_an_officials_scope_fail_with_a_row_error_and_a_bad_header_is_400()
    {
        using var official = api.Server.Client(await api.IssueKeyAsync("official", "1398"));
        var inside = ApiFixture.NewCreditCode("139801").Value;
        var outside = ApiFixture.NewCreditCode("139901").Value;
        var csv = $"creditCode,name,region,industry,creditRating\n{inside},甲,139801,Other,Green\n{outside},乙,139901,Other,Green\n";
        var id = (await PostCsvAsync(official, csv, "scoped")).Expect(202).Body["id"]!.Value<string>()!;
        var job = await WaitDoneAsync(official, id);
        Assert.Equal((1L, 1L), (job["created"]!.Value<long>(), job["failed"]!.Value<long>()));
        Assert.Equal((2L, "region"), (job["errors"]![0]!["row"]!.Value<long>(), job["errors"]![0]!["field"]!.Value<string>()!));
        (await PostCsvAsync(official, "creditCode,colour\nx,y\n", "bad-header")).Expect(400);
        (await official.PostJsonAsync("/api/imports/enterprises", new { }, ApiFixture.Key("json"))).Expect(400);
        using var other = api.Server.Client(await api.IssueKeyAsync("official", "1399"));
        (await other.GetJsonAsync($"/api/imports/{id}")).Expect(404);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Trading.Core.Primitives;
using Trading.Functions;
using Trading.Functions.Hosting;
using Trading.Infra;
using Trading.Tests.Support;

namespace Trading.Bench;

/// <summary>
/// RefreshMatches end to end on a real Azurite, through the app's own code: products by <c>PUT</c>, firms by the CSV
/// import, rights by allocations and reserve sales (prices), all over HTTP; then the full refresh (a cold start), then
/// 100 enterprise edits (a second import), then the incremental refresh, timed in the same run; then a second full
/// refresh, which must find nothing to write (the incremental result equals a full evaluation).
/// </summary>
public static class RefreshBench
{
    private static readonly string[] s_provinces = ["13", "14", "15", "21", "32"];
    private static readonly string[] s_banks = ["ICBC-LF", "ABC-LF", "CCB-LF", "BOC-LF", "HX-LF"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["scale", .. var rest]) return await RunScaleAsync(rest);
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        var (firmCount, productCount, edits, holders) = (Arg(0, 20_000), Arg(1, 200), Arg(2, 100), Arg(3, 1_000));
        var azurite = await Azurite.Shared;
        var prefix = $"mref{firmCount}x{productCount}";
        Console.WriteLine($"Azurite on 127.0.0.1:{azurite.TablePort}; {Environment.ProcessorCount} cores; {firmCount:N0} enterprises × {productCount} products, {holders:N0} holders, {edits} edits");
        await using var server = await BenchServer.StartAsync(azurite.ConnectionString, prefix);
        var http = server.Http;
        var random = new Random(2026);
        var setup = Stopwatch.StartNew();

        // Regions: 5 provinces × 8 cities × 5 counties.
        string City(string p, int c) => p + (c + 1).ToString("D2", CultureInfo.InvariantCulture);
        string County(string city, int k) => city + (k + 1).ToString("D2", CultureInfo.InvariantCulture);
        var industries = Enum.GetValues<Industry>();

        // 1. Products, before the firms (a PUT refreshes its product at once).
        var pledgeProducts = 0;
        for (var i = 0; i < productCount; i++)
        {
            var p = s_provinces[random.Next(s_provinces.Length)];
            string[] regions = random.Next(20) switch { < 13 => [City(p, random.Next(8))], < 19 => [p], _ => [] };
            string[] inds = random.Next(10) < 7 ? Enumerable.Range(0, 1 + random.Next(5)).Select(_ => industries[random.Next(industries.Length)].ToString()).Distinct().ToArray() : [];
            var pledge = random.Next(5) == 0;
            if (pledge) pledgeProducts++;
            var body = new
            {
                name = $"绿色贷款 {i}", minGrade = new[] { "A", "B", "B", "BMinus", "C" }[random.Next(5)], allowUngraded = random.Next(10) == 0,
                minCreditRating = random.Next(4) == 0 ? "Green" : "Blue", requirePositiveList = random.Next(4) == 0, industries = inds, regions,
                minAmount = 100_000m, maxAmount = 10_000_000m + 1_000_000m * random.Next(10), annualRatePct = 3.45m, termMonths = 36,
                pledge = pledge ? new { pollutants = new[] { random.Next(2) == 0 ? "NOx" : "COD" }, loanToValue = 0.7m } : null,
            };
            await BenchHttp.Send(http, HttpMethod.Put, $"/api/banks/{s_banks[i % s_banks.Length]}/products/p{i}", JsonSerializer.Serialize(body));
        }

        // 2. Firms by CSV import.
        var grades = new (string Grade, int Weight)[] { ("APlus", 1), ("A", 2), ("Leading", 1), ("B", 15), ("BMinus", 10), ("C", 30), ("D", 11), ("", 30) };
        string Pick((string, int)[] items) { var n = random.Next(items.Sum(x => x.Item2)); foreach (var (v, w) in items) { if (n < w) return v; n -= w; } return items[^1].Item1; }
        var ratings = new (string, int)[] { ("Green", 40), ("Blue", 45), ("Yellow", 10), ("Red", 4), ("Black", 1) };
        var firms = new List<string[]>(firmCount);
        for (var i = 0; i < firmCount; i++)
        {
            var p = s_provinces[random.Next(s_provinces.Length)];
            var region = County(City(p, random.Next(8)), random.Next(5));
            var code = CreditCode.FromBody("91" + region + i.ToString("D9", CultureInfo.InvariantCulture)).Value;
            var grade = Pick(grades);
            var industry = grade == "" || random.Next(10) < 3 ? "Other" : industries[random.Next(industries.Length - 1)].ToString();
            var until = grade == "" ? "" : new DateOnly(2026, 12, 31).AddDays(random.Next(700)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            firms.Add([code, $"企业{i}", region, industry, grade, until, random.Next(10) < 3 ? "是" : "否", Pick(ratings)]);
        }
        await ImportAsync(http, firms, "bench-firms");
        Console.WriteLine($"setup: {productCount} products ({pledgeProducts} pledge), {firmCount:N0} firms imported: {setup.Elapsed.TotalSeconds:0.0} s");

        // 3. Rights: holders get NOx or COD in their county's market; each such market gets a reserve sale (its price).
        var recent = DateTimeOffset.UtcNow.AddDays(-10).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'10:00:00+08:00", CultureInfo.InvariantCulture);
        var holding = firms.OrderBy(_ => random.Next()).Take(holders).Select(f => (Code: f[0], Region: f[2], Pollutant: random.Next(2) == 0 ? "NOx" : "COD", Tonnes: 5 + random.Next(200))).ToList();
        await Parallel.ForEachAsync(holding, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (h, _) =>
            await BenchHttp.Send(http, HttpMethod.Post, "/api/allocations", JsonSerializer.Serialize(new { holder = h.Code, region = h.Region, pollutant = h.Pollutant, quantity = (decimal)h.Tonnes, reference = "permit" }), $"a-{h.Code}"));
        var markets = holding.Select(h => (h.Region, h.Pollutant, Buyer: h.Code)).DistinctBy(m => (m.Region, m.Pollutant)).ToList();
        await Parallel.ForEachAsync(markets, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (m, _) =>
        {
            await BenchHttp.Send(http, HttpMethod.Post, "/api/allocations", JsonSerializer.Serialize(new { holder = "reserve", m.Region, pollutant = m.Pollutant, quantity = 100m, reference = "reserve" }), $"r-{m.Region}-{m.Pollutant}");
            await BenchHttp.Send(http, HttpMethod.Post, "/api/trades", JsonSerializer.Serialize(new
            {
                region = m.Region, pollutant = m.Pollutant, seller = "reserve", buyer = m.Buyer, quantity = 1m, unitPrice = 3000m + 100 * (int.Parse(m.Region, CultureInfo.InvariantCulture) % 64),
                termYears = 5, method = "ReserveSale", tradedAt = recent, reference = "price",
            }), $"t-{m.Region}-{m.Pollutant}");
        });
        Console.WriteLine($"setup: {holding.Count:N0} holders in {markets.Count} markets with a price: {setup.Elapsed.TotalSeconds:0.0} s");

        var refresher = server.App.Services.GetRequiredService<MatchRefresher>();
        var watch = Stopwatch.StartNew();
        var full = await refresher.RefreshAllAsync(CancellationToken.None);
        var fullSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"full refresh (cold start): {fullSeconds:0.00} s — {full[0]}");

        // 4. Edits: a second import changing grades, ratings, industries or names of random firms.
        var edited = firms.OrderBy(_ => random.Next()).Take(edits).Select(f =>
        {
            var row = (string[])f.Clone();
            switch (random.Next(4))
            {
                case 0: row[4] = row[4] is "C" or "" ? "B" : "C"; row[5] = row[4] == "" ? "" : "2027-06-30"; if (row[3] == "Other") row[3] = "Cement"; break;
                case 1: row[7] = row[7] == "Green" ? "Yellow" : "Green"; break;
                case 2: row[3] = row[3] == "Cement" ? "Glass" : "Cement"; break;
                default: row[1] += "（更名）"; row[6] = row[6] == "是" ? "否" : "是"; break;
            }
            return row;
        }).ToList();
        await ImportAsync(http, edited, "bench-edits");

        watch.Restart();
        var incremental = await refresher.RefreshAllAsync(CancellationToken.None);
        var incrementalSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"incremental refresh after {edits} edits: {incrementalSeconds:0.00} s — {incremental[0]}");

        // 5. Exactness: a full evaluation now must find everything stored as it should be.
        watch.Restart();
        var check = await refresher.RefreshFullAsync(CancellationToken.None);
        Console.WriteLine($"full refresh again (check): {watch.Elapsed.TotalSeconds:0.00} s — {check}");
        var exact = check.Written == 0 && check.Deleted == 0;
        Console.WriteLine();
        Console.WriteLine("| enterprises × products | full refresh (cold start) | incremental after edits | incremental / full | check: full again writes |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| {firmCount:N0} × {productCount} | {fullSeconds:0.00} s | {incrementalSeconds:0.00} s ({edits} edits) | **{incrementalSeconds / fullSeconds * 100:0.0} %** | {check.Written} written, {check.Deleted} removed |");
        Console.WriteLine(exact ? "exact: the stored matches equal a full evaluation" : "NOT EXACT: a full evaluation changed stored matches");
        return exact ? 0 : 1;
    }

    /// <summary>
    /// <c>refresh scale [firms products]</c>: the timer's incremental run after an import of as many new firms as there
    /// are, and after one nationwide product edit, each against a full refresh from the same state (the full refresh runs
    /// first; the match tables and the <c>matchstate</c> rows are then put back as they were, untimed). A full refresh after
    /// each incremental run checks that it left nothing to write.
    /// </summary>
    private static async Task<int> RunScaleAsync(string[] args)
    {
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
        var (firmCount, productCount) = (Arg(0, 20_000), Arg(1, 20));
        var azurite = await Azurite.Shared;
        Console.WriteLine($"Azurite on 127.0.0.1:{azurite.TablePort}; {Environment.ProcessorCount} cores; {firmCount:N0} + {firmCount:N0} enterprises × {productCount} products");
        await using var server = await BenchServer.StartAsync(azurite.ConnectionString, $"mscale{firmCount}x{productCount}");
        var http = server.Http;
        var random = new Random(2027);
        string City(string p, int c) => p + (c + 1).ToString("D2", CultureInfo.InvariantCulture);
        string County(string city, int k) => city + (k + 1).ToString("D2", CultureInfo.InvariantCulture);
        var industries = Enum.GetValues<Industry>();
        object Body(int i, string minGrade, string[] regions) => new
        {
            name = $"绿色贷款 {i}", minGrade, allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false, industries = Array.Empty<string>(), regions,
            minAmount = 100_000m, maxAmount = 10_000_000m, annualRatePct = 3.45m, termMonths = 36, pledge = (object?)null,
        };
        // Products: the first nationwide (the one edited), then cities and provinces.
        for (var i = 0; i < productCount; i++)
        {
            var p = s_provinces[random.Next(s_provinces.Length)];
            string[] regions = i == 0 ? [] : random.Next(3) == 0 ? [p] : [City(p, random.Next(8))];
            await BenchHttp.Send(http, HttpMethod.Put, $"/api/banks/{s_banks[i % s_banks.Length]}/products/s{i}", JsonSerializer.Serialize(Body(i, "B", regions)));
        }
        var grades = new[] { "APlus", "A", "B", "B", "BMinus", "C", "C", "D", "" };
        var ratings = new[] { "Green", "Blue", "Blue", "Yellow", "Red" };
        List<string[]> Firms(int offset) => Enumerable.Range(offset, firmCount).Select(i =>
        {
            var region = County(City(s_provinces[random.Next(s_provinces.Length)], random.Next(8)), random.Next(5));
            var grade = grades[random.Next(grades.Length)];
            return new[]
            {
                CreditCode.FromBody("91" + region + i.ToString("D9", CultureInfo.InvariantCulture)).Value, $"企业{i}", region,
                industries[random.Next(industries.Length - 1)].ToString(), grade, grade == "" ? "" : "2099-12-31", random.Next(10) < 3 ? "是" : "否", ratings[random.Next(ratings.Length)],
            };
        }).ToList();
        var setup = Stopwatch.StartNew();
        await ImportAsync(http, Firms(0), "scale-first");
        Console.WriteLine($"setup: {productCount} products, {firmCount:N0} firms imported: {setup.Elapsed.TotalSeconds:0.0} s");

        var refresher = server.App.Services.GetRequiredService<MatchRefresher>();
        // Each measured run whole: no time budget stops it (the comparison is of work, not of the 4-minute cut).
        server.App.Services.GetRequiredService<TimerBudgets>().Duration = TimeSpan.FromDays(1);
        async Task<(double Seconds, string Log)> Timed(Func<Task<string>> run)
        {
            var watch = Stopwatch.StartNew();
            var log = await run();
            return (watch.Elapsed.TotalSeconds, log);
        }
        Task<string> Timer() => refresher.RefreshAllAsync(CancellationToken.None).ContinueWith(t => string.Join(" / ", t.Result), TaskScheduler.Default);
        Task<string> FullRun() => refresher.RefreshFullAsync(CancellationToken.None).ContinueWith(t => t.Result.ToString(), TaskScheduler.Default);
        var cold = await Timed(Timer);
        Console.WriteLine($"cold start (full): {cold.Seconds:0.00} s — {cold.Log}");

        setup.Restart();
        await ImportAsync(http, Firms(firmCount), "scale-second");
        Console.WriteLine($"import of {firmCount:N0} new firms: {setup.Elapsed.TotalSeconds:0.0} s");
        // The same state for both: the full refresh first, then the match tables and marks put back as they were.
        var storage = server.App.Services.GetRequiredService<StorageContext>();
        var before = await SnapshotAsync(storage);
        var fullAfterImport = await Timed(FullRun);
        Console.WriteLine($"full refresh, same data: {fullAfterImport.Seconds:0.00} s — {fullAfterImport.Log}");
        Console.WriteLine($"(state put back: {await RestoreAsync(storage, before)} row(s))");
        var afterImport = await Timed(Timer);
        Console.WriteLine($"RefreshMatches after the import: {afterImport.Seconds:0.00} s — {afterImport.Log}");
        var checkImport = await Timed(FullRun);
        Console.WriteLine($"full refresh after it (check, nothing to write): {checkImport.Seconds:0.00} s — {checkImport.Log}");

        // One nationwide product edited by its bank (PUT). Its scope does not fit the request's refresh budget: the PUT
        // answers, the background worker refreshes it (leaving the mark to the timer, as the request's refresh did); the
        // measure starts from the state once it is done.
        var worker = server.App.Services.GetRequiredService<ProductRefreshWorker>();
        // What the PUT's request-path refresh does, alone: the product as it is, under the request's budget.
        Trading.Core.Access.BankId.TryParse(s_banks[0], out var bank0, out _);
        var s0 = (await server.App.Services.GetRequiredService<ProductStore>().GetAsync(bank0, "s0", CancellationToken.None))!;
        var bounded = Stopwatch.StartNew();
        var finished = await refresher.RefreshProductAsync(s0, new TimerBudget(TimeProvider.System, RequestRefreshOptions.DefaultBudget, RequestRefreshOptions.DefaultSteps), CancellationToken.None);
        Console.WriteLine($"request-path refresh of the nationwide product under the request budget ({RequestRefreshOptions.DefaultBudget.TotalSeconds:0} s, {RequestRefreshOptions.DefaultSteps} steps): {(finished ? "finished" : "stopped, nothing written")} after {bounded.Elapsed.TotalSeconds:0.00} s");
        // The PUT itself, with a client that waits longer than the bench's 100 s (a slow answer is reported, not fatal).
        using var patient = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        patient.DefaultRequestHeaders.Add("X-Api-Key", BenchServer.AdminKey);
        var put = Stopwatch.StartNew();
        await BenchHttp.Send(patient, HttpMethod.Put, $"/api/banks/{s_banks[0]}/products/s0", JsonSerializer.Serialize(Body(0, "C", [])));
        var putSeconds = put.Elapsed.TotalSeconds;
        while (worker.Pending > 0) await Task.Delay(100);
        Console.WriteLine($"PUT of the nationwide product answered in {putSeconds:0.00} s; its list refreshed in the background {put.Elapsed.TotalSeconds:0.00} s after the PUT began ({worker.Refreshed} background refresh(es))");
        before = await SnapshotAsync(storage);
        var fullAfterEdit = await Timed(FullRun);
        Console.WriteLine($"full refresh, same data: {fullAfterEdit.Seconds:0.00} s — {fullAfterEdit.Log}");
        Console.WriteLine($"(state put back: {await RestoreAsync(storage, before)} row(s))");
        var afterEdit = await Timed(Timer);
        Console.WriteLine($"RefreshMatches after one nationwide edit: {afterEdit.Seconds:0.00} s — {afterEdit.Log}");
        var checkEdit = await Timed(FullRun);
        Console.WriteLine($"full refresh after it (check, nothing to write): {checkEdit.Seconds:0.00} s — {checkEdit.Log}");
        var idle = await Timed(Timer);
        Console.WriteLine($"idle run: {idle.Seconds * 1000:0} ms — {idle.Log}");

        var exact = checkImport.Log.Contains(" 0 written, 0 removed", StringComparison.Ordinal) && checkEdit.Log.Contains(" 0 written, 0 removed", StringComparison.Ordinal);
        Console.WriteLine();
        Console.WriteLine($"| {firmCount * 2:N0} firms × {productCount} products | RefreshMatches (incremental) | full refresh, same state | incremental / full | full with nothing to write |");
        Console.WriteLine("|---|---|---|---|---|");
        Console.WriteLine($"| after an import of {firmCount:N0} new firms | {afterImport.Seconds:0.00} s | {fullAfterImport.Seconds:0.00} s | **{afterImport.Seconds / fullAfterImport.Seconds:0.00}×** | {checkImport.Seconds:0.00} s |");
        Console.WriteLine($"| after one nationwide product edit | {afterEdit.Seconds:0.00} s | {fullAfterEdit.Seconds:0.00} s | **{afterEdit.Seconds / fullAfterEdit.Seconds:0.00}×** | {checkEdit.Seconds:0.00} s |");
        Console.WriteLine(exact ? "exact: each full refresh after an incremental run wrote nothing" : "NOT EXACT: a full refresh changed stored matches");
        return exact ? 0 : 1;
    }

    private static string Fingerprint(TableEntity e) =>
        string.Join("\u001f", e.Where(p => p.Key is not ("odata.etag" or "Timestamp")).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + Convert.ToString(p.Value, CultureInfo.InvariantCulture)));

    private static async Task<Dictionary<(string Table, string Pk, string Rk), TableEntity>> SnapshotAsync(StorageContext storage)
    {
        var rows = new Dictionary<(string, string, string), TableEntity>();
        foreach (var (name, table) in new[] { ("m", storage.Matches), ("f", storage.MatchesByFirm), ("s", storage.MatchState) })
            await foreach (var e in table.QueryAsync<TableEntity>()) rows[(name, e.PartitionKey, e.RowKey)] = e;
        return rows;
    }

    /// <summary>Puts the three tables back as <paramref name="before"/> (rows added since deleted, changed or removed ones written again).</summary>
    private static async Task<int> RestoreAsync(StorageContext storage, Dictionary<(string Table, string Pk, string Rk), TableEntity> before)
    {
        var now = await SnapshotAsync(storage);
        var tables = new Dictionary<string, TableClient> { ["m"] = storage.Matches, ["f"] = storage.MatchesByFirm, ["s"] = storage.MatchState };
        var actions = new List<(string Table, string Pk, TableTransactionAction Action)>();
        foreach (var (key, e) in now)
            if (!before.ContainsKey(key)) actions.Add((key.Table, key.Pk, new TableTransactionAction(TableTransactionActionType.Delete, e, Azure.ETag.All)));
        foreach (var (key, e) in before)
            if (!now.TryGetValue(key, out var n) || Fingerprint(n) != Fingerprint(e))
            {
                var copy = new TableEntity(e.PartitionKey, e.RowKey);
                foreach (var (k, v) in e) if (k is not ("odata.etag" or "Timestamp" or "PartitionKey" or "RowKey")) copy[k] = v;
                actions.Add((key.Table, key.Pk, new TableTransactionAction(TableTransactionActionType.UpsertReplace, copy)));
            }
        var batches = actions.GroupBy(a => (a.Table, a.Pk)).SelectMany(g => g.Chunk(100).Select(c => (g.Key.Table, c))).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, ct) =>
            await tables[b.Table].SubmitTransactionAsync(b.c.Select(a => a.Action), ct));
        return actions.Count;
    }

    private static async Task ImportAsync(HttpClient http, List<string[]> rows, string key)
    {
        var csv = new StringBuilder("creditCode,name,region,industry,grade,gradeValidUntil,positiveList,creditRating\n");
        foreach (var r in rows) csv.AppendJoin(',', r).Append('\n');
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/imports/enterprises") { Content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv") };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"import: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        while (true)
        {
            await Task.Delay(250);
            var job = JsonDocument.Parse(await http.GetStringAsync($"/api/imports/{id}")).RootElement;
            if (job.GetProperty("status").GetString() != "done") continue;
            if (job.GetProperty("failed").GetInt64() > 0) throw new InvalidOperationException("import rows failed: " + job.GetProperty("errors"));
            return;
        }
    }
}

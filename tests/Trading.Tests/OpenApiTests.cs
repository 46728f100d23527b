using System.Diagnostics;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using Trading.Functions.Hosting;
using Trading.Tests.Support;
using Xunit.Abstractions;

namespace Trading.Tests;

/// <summary>
/// GET /api/openapi.json: generated from the function declarations, it lists every HTTP function, its schemas match
/// real answers (checked with a JSON Schema validator), and Redocly's recommended rules find no error in it.
/// </summary>
public sealed class OpenApiTests(ApiFixture api, ITestOutputHelper log) : IClassFixture<ApiFixture>
{
    private async Task<JObject> DocumentAsync()
    {
        using var anonymous = api.Server.Client();
        var reply = (await anonymous.GetJsonAsync("/api/openapi.json")).Expect(200);
        Assert.Equal("application/json", reply.ContentType?.MediaType);
        return reply.Body;
    }

    private static JObject Operation(JObject document, string method, string route) =>
        document["paths"]?["/api/" + route]?[method.ToLowerInvariant()] as JObject
        ?? throw new Xunit.Sdk.XunitException($"{method} /api/{route} is not in the document");

    private static string? Ref(JToken? schema) => schema?["$ref"]?.Value<string>();

    [Fact]
    public async Task The_document_is_OpenAPI_3_1_and_lists_every_declared_function_with_its_operation_id()
    {
        var document = await DocumentAsync();

        Assert.StartsWith("3.1.", document["openapi"]!.Value<string>());
        var declared = FunctionCatalog.All.OfType<HttpFunction>().ToList();
        Assert.Contains(declared, f => f.Route == "openapi.json");
        foreach (var function in declared)
        {
            var operation = Operation(document, function.Method, function.Route);
            Assert.Equal(function.Name, operation["operationId"]!.Value<string>());
            Assert.False(string.IsNullOrEmpty(operation["summary"]?.Value<string>()), function.Name);
            foreach (var status in OpenApiDescription.ProblemsOf(function))
                Assert.True(operation["responses"]?[status.ToString()]?["content"]?["application/problem+json"] is not null, $"{function.Name} {status}");
            foreach (var name in function.Doc.Query)
                Assert.Contains(operation["parameters"]!, p => p["name"]!.Value<string>() == name && p["in"]!.Value<string>() == "query");
            var routeValues = System.Text.RegularExpressions.Regex.Matches(function.Route, "{([^}]+)}").Select(m => m.Groups[1].Value);
            foreach (var name in routeValues)
                Assert.Contains(operation["parameters"]!, p => p["name"]!.Value<string>() == name && p["in"]!.Value<string>() == "path");
        }
        // Nothing else: no timer, no fallback.
        Assert.Equal(declared.Count, ((JObject)document["paths"]!).Properties().Sum(p => ((JObject)p.Value).Properties().Count(o => o.Name != "parameters")));
    }

    [Fact]
    public async Task Trades_proposals_and_products_have_request_and_response_schemas()
    {
        var document = await DocumentAsync();
        const string Json = "application/json";

        string? RequestOf(string method, string route) => Ref(Operation(document, method, route)["requestBody"]?["content"]?[Json]?["schema"]);
        JToken? ResponseOf(string method, string route, int status) => Operation(document, method, route)["responses"]?[status.ToString()]?["content"]?[Json]?["schema"];

        Assert.Equal("#/components/schemas/TradeInput", RequestOf("POST", "trades"));
        Assert.Equal("#/components/schemas/TradeView", Ref(ResponseOf("POST", "trades", 201)));
        Assert.Equal("#/components/schemas/TradeView", Ref(ResponseOf("GET", "trades/{id}", 200)));
        Assert.Equal("#/components/schemas/PageOfTradeView", Ref(ResponseOf("GET", "trades", 200)));
        Assert.Equal("#/components/schemas/ProposalInput", RequestOf("POST", "trade-proposals"));
        Assert.Equal("#/components/schemas/ProposalView", Ref(ResponseOf("POST", "trade-proposals", 201)));
        Assert.Equal("#/components/schemas/ProposalView", Ref(ResponseOf("GET", "trade-proposals/{id}", 200)));
        Assert.Equal("#/components/schemas/ProposalView", Ref(ResponseOf("POST", "trade-proposals/{id}/confirm", 200)));
        Assert.Equal("#/components/schemas/PageOfProposalView", Ref(ResponseOf("GET", "trade-proposals", 200)));
        Assert.Equal("#/components/schemas/LoanProductInput", RequestOf("PUT", "banks/{bankId}/products/{productId}"));
        Assert.Equal("#/components/schemas/ProductView", Ref(ResponseOf("PUT", "banks/{bankId}/products/{productId}", 201)));
        Assert.Equal("#/components/schemas/ProductView", Ref(ResponseOf("GET", "banks/{bankId}/products/{productId}", 200)));
        Assert.Equal("#/components/schemas/PageOfProductView", Ref(ResponseOf("GET", "banks/{bankId}/products", 200)));

        var schemas = (JObject)document["components"]!["schemas"]!;
        // Request DTOs under their JSON names; money and quantities plain numbers; timestamps with their format.
        var input = (JObject)schemas["TradeInput"]!["properties"]!;
        Assert.Equal(new[] { "amount", "buyer", "method", "pollutant", "quantity", "reference", "region", "seller", "termYears", "tradedAt", "unitPrice" },
            input.Properties().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(new JArray("null", "number"), input["quantity"]!["type"]);
        var trade = (JObject)schemas["TradeView"]!;
        Assert.Equal("number", trade["properties"]!["quantity"]!["type"]!.Value<string>());
        Assert.Equal("number", trade["properties"]!["unitPrice"]!["type"]!.Value<string>());
        Assert.Equal("number", trade["properties"]!["amount"]!["type"]!.Value<string>());
        Assert.Null(trade["properties"]!["amount"]!["pattern"]);
        Assert.Equal("decimal", trade["properties"]!["amount"]!["format"]!.Value<string>());
        Assert.Equal("date-time", trade["properties"]!["tradedAt"]!["format"]!.Value<string>());
        Assert.Equal("date-time", trade["properties"]!["recordedAt"]!["format"]!.Value<string>());
        Assert.Contains("hash", trade["required"]!.Values<string>());
        // Wide sums: integers with no int64 bound (a region's totals over many markets may pass it).
        Assert.Equal("integer", schemas["FiguresTotalsView"]!["properties"]!["trades"]!["type"]!.Value<string>());
        Assert.Null(schemas["FiguresTotalsView"]!["properties"]!["trades"]!["format"]);
        Assert.Equal("integer", schemas["FiguresChangeView"]!["properties"]!["tradesDelta"]!["type"]!.Value<string>());
        var problem = (JObject)schemas["ProblemView"]!;
        Assert.Equal(["type", "title", "status", "detail", "instance", "errors", "traceId"], ((JObject)problem["properties"]!).Properties().Select(p => p.Name).ToList());

        var report = Operation(document, "GET", "reports/{month}")["responses"]!["200"]!["content"]!;
        Assert.NotNull(report["application/json"]);
        Assert.Equal("string", report["text/csv"]!["schema"]!["type"]!.Value<string>());
        Assert.Equal("text/csv", Operation(document, "POST", "imports/enterprises")["requestBody"]!["content"]!.Value<JObject>()!.Properties().Single().Name);

        var security = (JObject)document["components"]!["securitySchemes"]!;
        Assert.Equal("X-Api-Key", security["ApiKey"]!["name"]!.Value<string>());
        Assert.Equal("bearer", security["Bearer"]!["scheme"]!.Value<string>());
        Assert.Equal(new JArray(new JObject()), Operation(document, "GET", "openapi.json")["security"]);
        Assert.Contains(Operation(document, "POST", "trades")["parameters"]!, p => p["name"]!.Value<string>() == "Idempotency-Key" && p["required"]!.Value<bool>());
    }

    [Fact]
    public async Task A_real_trade_answer_matches_its_schema_and_a_wrong_one_does_not()
    {
        var document = await DocumentAsync();
        var schema = await ResponseSchemaAsync(document, "POST", "trades", 201);
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 20m, region: "131003");

        var reply = (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 8.074m, region: "131003"),
            ApiFixture.Key("openapi-trade"))).Expect(201);

        Assert.Empty(Errors(schema, reply.Text));
        var schemaProperties = ((JObject)document["components"]!["schemas"]!["TradeView"]!["properties"]!).Properties().Select(p => p.Name);
        Assert.Equal(schemaProperties, reply.Body.Properties().Select(p => p.Name));
        var fetched = (await api.Admin.GetJsonAsync(reply.Header("Location")!)).Expect(200);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "GET", "trades/{id}", 200), fetched.Text));

        // A wrong answer fails: an amount as a string, a timestamp that is not one, a member missing.
        Assert.NotEmpty(Errors(schema, Mutated(reply.Body, t => t["amount"] = "242220.00")));
        Assert.NotEmpty(Errors(schema, Mutated(reply.Body, t => t["recordedAt"] = "yesterday")));
        Assert.NotEmpty(Errors(schema, Mutated(reply.Body, t => t.Remove("hash"))));
        Assert.NotEmpty(Errors(schema, Mutated(reply.Body, t => t["sequence"] = null)));
    }

    [Fact]
    public async Task Real_proposal_product_and_problem_answers_match_their_schemas()
    {
        var document = await DocumentAsync();
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 20m, region: "131004");
        using var sellerClient = api.Server.Client(await api.IssueKeyAsync("enterprise", seller.Value));
        using var buyerClient = api.Server.Client(await api.IssueKeyAsync("enterprise", buyer.Value));

        var proposed = (await sellerClient.PostJsonAsync("/api/trade-proposals", ApiFixture.Proposal(seller.Value, buyer.Value, 2m, region: "131004"),
            ApiFixture.Key("openapi-proposal"))).Expect(201);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "POST", "trade-proposals", 201), proposed.Text));
        var confirmed = (await buyerClient.PostJsonAsync($"/api/trade-proposals/{proposed.Body["id"]}/confirm", new { })).Expect(200);
        Assert.NotNull(confirmed.Body["trade"]!["hash"]);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "POST", "trade-proposals/{id}/confirm", 200), confirmed.Text));
        var listed = (await buyerClient.GetJsonAsync("/api/trade-proposals")).Expect(200);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "GET", "trade-proposals", 200), listed.Text));

        var product = (await api.Admin.PutJsonAsync("/api/banks/OPENAPI-LF/products/green-1", new
        {
            name = "排污权质押贷", minGrade = "B", allowUngraded = false, minCreditRating = "Blue", requirePositiveList = false,
            industries = new[] { "IndustrialCoating" }, regions = new[] { "1310" }, minAmount = 1_000_000.00m, maxAmount = 20_000_000.00m,
            annualRatePct = 3.45m, termMonths = 36, pledge = new { pollutants = new[] { "SO2", "NOx" }, loanToValue = 0.7m },
        })).Expect(201);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "PUT", "banks/{bankId}/products/{productId}", 201), product.Text));
        // The product's schema has exactly the members of the answer.
        Assert.Equal(((JObject)document["components"]!["schemas"]!["ProductView"]!["properties"]!).Properties().Select(p => p.Name),
            product.Body.Properties().Select(p => p.Name));
        var products = (await api.Admin.GetJsonAsync("/api/banks/OPENAPI-LF/products")).Expect(200);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "GET", "banks/{bankId}/products", 200), products.Text));

        var invalid = (await api.Admin.PostJsonAsync("/api/trades", new { region = "x" }, ApiFixture.Key("openapi-bad"))).Expect(400);
        Assert.Equal("application/problem+json", invalid.ContentType?.MediaType);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "POST", "trades", 400, "application/problem+json"), invalid.Text));
        var oversell = (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 500m, region: "131004"),
            ApiFixture.Key("openapi-oversell"))).Expect(409);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "POST", "trades", 409, "application/problem+json"), oversell.Text));
    }

    [Fact]
    public async Task Real_figures_answers_match_their_schemas()
    {
        var document = await DocumentAsync();
        var seller = await api.RegisterEnterpriseAsync();
        var buyer = await api.RegisterEnterpriseAsync();
        await api.AllocateAsync(seller.Value, 20m, region: "131005");
        (await api.Admin.PostJsonAsync("/api/trades", ApiFixture.Trade(seller.Value, buyer.Value, 2m, region: "131005"), ApiFixture.Key("openapi-figures"))).Expect(201);
        var period = (await api.Admin.GetJsonAsync("/api/aggregates/period?region=1310&from=2024-01&to=2024-06")).Expect(200);
        Assert.Null(period.Body["month"]);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "GET", "aggregates/period", 200), period.Text));
        var monthly = (await api.Admin.GetJsonAsync("/api/aggregates/monthly?region=1310&month=2024-06")).Expect(200);
        Assert.NotNull(monthly.Body["mom"]);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "GET", "aggregates/monthly", 200), monthly.Text));
        var loans = (await api.Admin.GetJsonAsync("/api/aggregates/loans?region=1310&from=2024-01&to=2024-06")).Expect(200);
        Assert.Empty(Errors(await ResponseSchemaAsync(document, "GET", "aggregates/loans", 200), loans.Text));
        Assert.NotEmpty(Errors(await ResponseSchemaAsync(document, "GET", "aggregates/period", 200), Mutated(period.Body, f => f["trades"] = "1")));
    }

    [Fact]
    public async Task A_described_body_does_not_make_routing_refuse_another_content_type()
    {
        // The document says POST /api/trades takes application/json; the handler, not routing, refuses anything else (400).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/trades") { Content = new StringContent("region=131000", System.Text.Encoding.UTF8, "text/plain") };
        request.Headers.Add("Idempotency-Key", "openapi-text");
        using var response = await api.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 400, text);
        Assert.Contains("must be sent as application/json", text);
    }

    [Fact]
    public async Task The_document_passes_redocly_lint_with_the_recommended_rules()
    {
        var document = await DocumentAsync();
        var root = Azurite.RepositoryRoot();
        var redocly = Path.Combine(root, "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"{redocly} is missing: run npm ci (./test.sh does)");
        var file = Path.Combine(Path.GetTempPath(), $"trading-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document.ToString());
        try
        {
            var start = new ProcessStartInfo(redocly, ["lint", file, "--extends=recommended", "--format=stylish"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath(),
                Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" },
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var output = await stdout + await stderr;
            log.WriteLine(output);
            Assert.True(process.ExitCode == 0, $"redocly lint exited {process.ExitCode}:\n{output}");
            Assert.Contains("is valid", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// The answer's schema as a standalone JSON Schema: OpenAPI 3.1 schemas are JSON Schema 2020-12 whose references point
    /// into components/schemas, so those go along as definitions and every reference is pointed there.
    /// </summary>
    private static Task<JsonSchema> ResponseSchemaAsync(JObject document, string method, string route, int status, string contentType = "application/json")
    {
        var answer = Operation(document, method, route)["responses"]?[status.ToString()]?["content"]?[contentType]?["schema"]
                     ?? throw new Xunit.Sdk.XunitException($"{method} {route} has no {status} {contentType} schema");
        // A reference's siblings may be ignored by the validator: the answer's schema goes under allOf beside the definitions.
        var schema = new JObject { ["definitions"] = document["components"]!["schemas"]!.DeepClone(), ["allOf"] = new JArray(answer.DeepClone()) };
        foreach (var reference in schema.Descendants().OfType<JProperty>().Where(p => p.Name == "$ref").ToList())
            reference.Value = reference.Value.Value<string>()!.Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        return JsonSchema.FromJsonAsync(schema.ToString());
    }

    private static List<string> Errors(JsonSchema schema, string json) => schema.Validate(json).Select(e => e.ToString()).ToList();

    private static string Mutated(JObject body, Action<JObject> change)
    {
        var copy = (JObject)body.DeepClone();
        change(copy);
        return copy.ToString();
    }
}

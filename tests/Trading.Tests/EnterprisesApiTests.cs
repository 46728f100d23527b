using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class EnterprisesApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Put_creates_then_replaces_and_get_returns_it()
    {
        var code = ApiFixture.NewCreditCode();
        var body = new { name = "廊坊某涂装有限公司", region = "131024", industry = "IndustrialCoating", grade = "B", gradeValidUntil = "2025-12-31", positiveList = true, creditRating = "Blue" };
        var created = (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", body)).Expect(201);
        Assert.Equal($"/api/enterprises/{code}", created.Header("Location"));
        var replaced = (await api.Admin.PutJsonAsync($"/api/enterprises/{code}", body with { grade = "A", region = "131025" })).Expect(200).Body;
        Assert.Equal("A", replaced["grade"]!.Value<string>());
        var got = (await api.Admin.GetJsonAsync($"/api/enterprises/{code}")).Expect(200).Body;
        Assert.Equal("廊坊某涂装有限公司", got["name"]!.Value<string>());
        Assert.Equal("131025", got["region"]!.Value<string>());
        Assert.Equal("2025-12-31", got["gradeValidUntil"]!.Value<string>());
        // Moved out of 131024: no longer listed there, listed in 131025.
        Assert.DoesNotContain((JArray)(await api.Admin.GetJsonAsync("/api/enterprises?region=131024")).Body["items"]!, e => e["creditCode"]!.Value<string>() == code.Value);
        Assert.Contains((JArray)(await api.Admin.GetJsonAsync("/api/enterprises?region=131025")).Body["items"]!, e => e["creditCode"]!.Value<string>() == code.Value);
        (await api.Admin.GetJsonAsync($"/api/enterprises/{ApiFixture.NewCreditCode()}")).Expect(404);
    }

    [Fact]
    public async Task Lists_page_with_continuation_tokens_and_filter_by_region_and_grade()
    {
        var expected = new HashSet<string>();
        for (var i = 0; i < 7; i++) expected.Add((await api.RegisterEnterpriseAsync("130200", grade: i % 2 == 0 ? "A" : "C")).Value);
        await api.RegisterEnterpriseAsync("130300");

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var path = "/api/enterprises?region=1302&pageSize=3" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = (await api.Admin.GetJsonAsync(path)).Expect(200).Body;
            Assert.True(((JArray)page["items"]!).Count <= 3);
            seen.AddRange(page["items"]!.Select(e => e["creditCode"]!.Value<string>()!));
            token = page["continuationToken"]!.Value<string?>();
            pages++;
        } while (token is not null && pages < 10);
        Assert.Equal(expected.Order(), seen.Order());
        Assert.True(pages >= 3);

        var graded = (await api.Admin.GetJsonAsync("/api/enterprises?region=1302&grade=A")).Expect(200).Body;
        Assert.Equal(4, ((JArray)graded["items"]!).Count);
    }
}

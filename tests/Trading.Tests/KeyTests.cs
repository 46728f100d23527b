using System.Diagnostics;
using Trading.Tests.Support;

namespace Trading.Tests;

public sealed class KeyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Keys_have_ids_are_listed_without_the_key_and_expire()
    {
        var issued = (await api.Admin.PostJsonAsync("/api/keys", new { role = "bank", subject = "ICBC-LF" })).Expect(201);
        var id = issued.Body["id"]!.Value<string>()!;
        Assert.Equal($"/api/keys/{id}", issued.Header("Location"));
        var expiresAt = DateTimeOffset.Parse(issued.Body["expiresAt"]!.Value<string>()!);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(364), TimeSpan.FromDays(366));

        var listed = new List<JToken>();
        string? token = null;
        do
        {
            var page = (await api.Admin.GetJsonAsync("/api/keys?pageSize=2" + (token is null ? "" : "&continuationToken=" + token))).Expect(200).Body;
            listed.AddRange((JArray)page["items"]!);
            token = page["continuationToken"]?.Value<string>();
        } while (token is not null);
        var mine = Assert.Single(listed, k => k["id"]!.Value<string>() == id);
        Assert.Equal("bank", mine["role"]!.Value<string>());
        Assert.Null(mine["revokedAt"]!.Value<string>());
        Assert.DoesNotContain(listed, k => k.ToString().Contains(issued.Body["key"]!.Value<string>()!, StringComparison.Ordinal));

        // A key that expires soon works until then, and then gets 401.
        var shortLived = (await api.Admin.PostJsonAsync("/api/keys", new { role = "bank", subject = "ICBC-LF", expiresAt = DateTimeOffset.UtcNow.AddSeconds(2).ToString("yyyy-MM-dd'T'HH:mm:ss.fffK") })).Expect(201).Body;
        using var client = api.Server.Client(shortLived["key"]!.Value<string>());
        (await client.GetJsonAsync("/api/banks/ICBC-LF/products")).Expect(200);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Contains("expired", (await client.GetJsonAsync("/api/banks/ICBC-LF/products")).Expect(401).Body["detail"]!.Value<string>());
        (await api.Admin.PostJsonAsync("/api/keys", new { role = "bank", subject = "ICBC-LF", expiresAt = "2020-01-01T00:00:00Z" })).Expect(422);
        (await api.Admin.DeleteJsonAsync("/api/keys/knotakey")).Expect(404);
        using var bank = api.Server.Client(issued.Body["key"]!.Value<string>());
        (await bank.GetJsonAsync("/api/keys")).Expect(403);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_on_every_instance_within_60_seconds()
    {
        await using var second = await api.StartServerAsync();
        var issued = (await api.Admin.PostJsonAsync("/api/keys", new { role = "official", subject = "1310" })).Expect(201).Body;
        var key = issued["key"]!.Value<string>()!;
        using var onFirst = api.Server.Client(key);
        using var onSecond = second.Client(key);
        // Both instances know the key (and hold it in their caches).
        (await onFirst.GetJsonAsync("/api/enterprises")).Expect(200);
        (await onSecond.GetJsonAsync("/api/enterprises")).Expect(200);

        var revoked = (await api.Admin.DeleteJsonAsync($"/api/keys/{issued["id"]}")).Expect(200).Body;
        Assert.NotNull(revoked["revokedAt"]!.Value<string>());
        Assert.Equal(revoked.ToString(), (await api.Admin.DeleteJsonAsync($"/api/keys/{issued["id"]}")).Expect(200).Body.ToString());
        var watch = Stopwatch.StartNew();
        int status;
        do
        {
            status = (await onSecond.GetJsonAsync("/api/enterprises")).Status;
            if (status == 200) await Task.Delay(500);
        } while (status == 200 && watch.Elapsed < TimeSpan.FromSeconds(70));
        Assert.Equal(401, status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"refused after {watch.Elapsed}");
    }
}

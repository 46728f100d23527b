using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class KeysApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("IssueKey", "POST", "keys", IssueAsync).Accepts<KeyInput>().Returns<IssuedKeyView>(201).Problems(422),
        new HttpFunction("ListKeys", "GET", "keys", ListAsync).Paged().Returns<Page<KeyView>>(),
        new HttpFunction("RevokeKey", "DELETE", "keys/{id}", RevokeAsync).Returns<KeyView>(),
        new HttpFunction("WhoAmI", "GET", "whoami", WhoAmIAsync).Summary("Who the key or token is").Returns<WhoAmIView>(),
    ];

    /// <summary>Who the key (or token) is: its role and subject, and a firm's name (the portal shows each role its own page).</summary>
    private static async Task<IResult> WhoAmIAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        string? name = null;
        if (caller.Role == Role.Enterprise)
            name = (await context.Service<Trading.Core.Enterprises.IEnterpriseStore>().GetAsync(CreditCode.Parse(caller.Subject), context.RequestAborted))?.Name;
        return Json.Result(new WhoAmIView(caller.RoleName, caller.Subject, name));
    }

    public sealed class KeyInput
    {
        public string? Role { get; set; }
        public string? Subject { get; set; }
        public string? ExpiresAt { get; set; }
    }

    private static async Task<IResult> IssueAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin);
        var input = await Json.ReadBodyAsync<KeyInput>(context);
        var errors = new FieldErrors();
        var principal = Principal.TryCreate(input.Role, input.Subject, errors);
        DateTimeOffset? expiresAt = null;
        if (input.ExpiresAt is not null)
        {
            if (Timestamps.TryParse(input.ExpiresAt, out var at, out var error)) expiresAt = at;
            else errors.Add("expiresAt", error);
        }
        errors.ThrowIfAny();
        // An Idempotency-Key is optional here (a key is shown once): under one, a retry after a lost answer issues no second key.
        var idempotencyKey = context.Request.Headers.ContainsKey(Writes.IdempotencyHeader) ? Writes.IdempotencyKey(context) : null;
        var (key, outcome) = await context.Service<ApiKeyStore>().IssueAsync(caller, principal!, expiresAt, idempotencyKey,
            k => TradingJson.Serialize(View(ApiKeyStore.Info(k))), context.TraceIdentifier, context.RequestAborted);
        var headers = new Dictionary<string, string> { ["Location"] = $"/api/keys/{outcome.ResourceId}" };
        if (outcome.Replayed)
        {
            // The key itself was shown once, with the first answer: the replay names the key it issued, without it.
            headers["Idempotent-Replayed"] = "true";
            var issued = Newtonsoft.Json.Linq.JObject.Parse(outcome.Body);
            return Json.Result(new IssuedKeyView(outcome.ResourceId!, null, issued.Value<string>("role")!, issued.Value<string>("subject")!,
                issued.Value<string>("expiresAt")), 201, headers: headers);
        }
        var info = ApiKeyStore.Info(outcome.Answer!);
        return Json.Result(new IssuedKeyView(info.Id, key, principal!.RoleName, principal.Subject, Format(info.ExpiresAt)), 201, headers: headers);
    }

    private static async Task<IResult> ListAsync(HttpContext context)
    {
        await context.CallerAsync(Role.Admin);
        var errors = new FieldErrors();
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var page = await context.Service<ApiKeyStore>().ListAsync(pageSize, context.Query("continuationToken"), context.RequestAborted);
        return Json.Result(Views.Page(page, View));
    }

    /// <summary>Revokes a key: every instance refuses it (401) within 60 seconds. Revoking again answers the same.</summary>
    private static async Task<IResult> RevokeAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin);
        var id = context.Request.RouteValues["id"] as string ?? "";
        var outcome = await context.Service<ApiKeyStore>().RevokeAsync(caller, id, k => TradingJson.Serialize(View(ApiKeyStore.Info(k))), context.TraceIdentifier,
            context.RequestAborted);
        return Json.Text(outcome.Body, 200);
    }

    private static KeyView View(ApiKeyInfo k) =>
        new(k.Id, k.Principal.RoleName, k.Principal.Subject, Format(k.CreatedAt)!, k.CreatedBy, Format(k.ExpiresAt), Format(k.RevokedAt));

    private static string? Format(DateTimeOffset? t) => t is { } v ? Timestamps.Format(v) : null;
}

/// <summary>A key as listed: never the key itself.</summary>
public sealed record KeyView(
    string Id, string Role, string Subject, [property: SchemaFormat("date-time")] string CreatedAt, string CreatedBy,
    [property: SchemaFormat("date-time")] string? ExpiresAt, [property: SchemaFormat("date-time")] string? RevokedAt);

/// <summary>A key just issued: the only time the key is shown (a replay under the same Idempotency-Key names it without the key).</summary>
public sealed record IssuedKeyView(string Id, string? Key, string Role, string Subject, [property: SchemaFormat("date-time")] string? ExpiresAt);

public sealed record WhoAmIView(string Role, string Subject, string? Name);

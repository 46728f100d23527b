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
        new HttpFunction("IssueKey", "POST", "keys", IssueAsync),
        new HttpFunction("ListKeys", "GET", "keys", ListAsync),
        new HttpFunction("RevokeKey", "DELETE", "keys/{id}", RevokeAsync),
        new HttpFunction("WhoAmI", "GET", "whoami", WhoAmIAsync),
    ];

    /// <summary>Who the key (or token) is: its role and subject, and a firm's name (the portal shows each role its own page).</summary>
    private static async Task<IResult> WhoAmIAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        string? name = null;
        if (caller.Role == Role.Enterprise)
            name = (await context.Service<Trading.Core.Enterprises.IEnterpriseStore>().GetAsync(CreditCode.Parse(caller.Subject), context.RequestAborted))?.Name;
        return Json.Result(new { role = caller.RoleName, subject = caller.Subject, name });
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
        if (expiresAt <= context.Now()) throw new RuleViolationException("expiresAt must be in the future.");
        var (key, info) = await context.Service<ApiKeyStore>().IssueAsync(principal!, caller.Id, expiresAt, context.RequestAborted);
        await Audit.RecordAsync(context, caller, "key.issued", info.Id, View(info));
        return Json.Result(new { id = info.Id, key, role = principal!.RoleName, subject = principal.Subject, expiresAt = Format(info.ExpiresAt) }, 201,
            headers: new Dictionary<string, string> { ["Location"] = $"/api/keys/{info.Id}" });
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
        var info = await context.Service<ApiKeyStore>().RevokeAsync(id, caller.Id, context.RequestAborted)
                   ?? throw new NotFoundException($"No key {id}.");
        await Audit.RecordAsync(context, caller, "key.revoked", info.Id, View(info));
        return Json.Result(View(info));
    }

    private static object View(ApiKeyInfo k) => new
    {
        id = k.Id,
        role = k.Principal.RoleName,
        subject = k.Principal.Subject,
        createdAt = Format(k.CreatedAt),
        createdBy = k.CreatedBy,
        expiresAt = Format(k.ExpiresAt),
        revokedAt = Format(k.RevokedAt),
    };

    private static string? Format(DateTimeOffset? t) => t is { } v ? Timestamps.Format(v) : null;
}

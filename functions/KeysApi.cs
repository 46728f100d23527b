using Trading.Core;
using Trading.Core.Access;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class KeysApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("IssueKey", "POST", "keys", IssueAsync),
    ];

    public sealed class KeyInput
    {
        public string? Role { get; set; }
        public string? Subject { get; set; }
    }

    private static async Task<IResult> IssueAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin);
        var input = await Json.ReadBodyAsync<KeyInput>(context);
        var errors = new FieldErrors();
        var principal = Principal.TryCreate(input.Role, input.Subject, errors);
        errors.ThrowIfAny();
        var key = await context.Service<ApiKeyStore>().IssueAsync(principal!, caller.Id, context.RequestAborted);
        await Audit.RecordAsync(context, caller, "key.issued", principal!.Id);
        return Json.Result(new { key, role = principal!.RoleName, subject = principal.Subject }, 201);
    }
}

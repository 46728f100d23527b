using Trading.Core.Primitives;

namespace Trading.Core.Access;

/// <summary>
/// Who is calling. Subject: none for admin, a region prefix for an official, a credit code for an enterprise,
/// a bank id for a bank. Invariant: the subject always fits the role.
/// </summary>
public sealed record Principal
{
    public Role Role { get; }
    public string Subject { get; }

    private Principal(Role role, string subject)
    {
        Role = role;
        Subject = subject;
    }

    public static Principal Admin { get; } = new(Role.Admin, "");

    public static Principal Official(RegionPrefix prefix) => new(Role.Official, prefix.Value);
    public static Principal Enterprise(CreditCode code) => new(Role.Enterprise, code.Value);
    public static Principal Bank(BankId bank) => new(Role.Bank, bank.Value);

    /// <summary>Validates a role + subject pair (as given to <c>POST /api/keys</c>); field errors go to <paramref name="errors"/>.</summary>
    public static Principal? TryCreate(string? role, string? subject, FieldErrors errors)
    {
        if (role is null) { errors.Add("role", "is required"); return null; }
        switch (role)
        {
            case "admin":
                if (!string.IsNullOrEmpty(subject)) errors.Add("subject", "an admin key has no subject");
                return errors.Any ? null : Admin;
            case "official":
                if (!RegionPrefix.TryParse(subject, out var prefix, out var e1)) { errors.Add("subject", e1); return null; }
                return Official(prefix);
            case "enterprise":
                if (!CreditCode.TryParse(subject, out var code, out var e2)) { errors.Add("subject", e2); return null; }
                return Enterprise(code);
            case "bank":
                if (!BankId.TryParse(subject, out var bank, out var e3)) { errors.Add("subject", e3); return null; }
                return Bank(bank);
            default:
                errors.Add("role", "must be one of admin, official, enterprise, bank");
                return null;
        }
    }

    public string RoleName => Role.ToString().ToLowerInvariant();

    /// <summary>Identity used to scope idempotency keys and the audit trail, e.g. <c>official:1310</c>.</summary>
    public string Id => Role == Role.Admin ? "admin" : $"{RoleName}:{Subject}";

    /// <summary>May this caller act on data of <paramref name="region"/> as an official would?</summary>
    public bool GovernsRegion(RegionCode region) =>
        Role == Role.Admin || (Role == Role.Official && region.Value.StartsWith(Subject, StringComparison.Ordinal));

    /// <summary>Admin, or an official whose prefix covers the whole of <paramref name="prefix"/>.</summary>
    public bool GovernsPrefix(RegionPrefix prefix) =>
        Role == Role.Admin || (Role == Role.Official && prefix.Value.StartsWith(Subject, StringComparison.Ordinal));

    public bool IsEnterprise(CreditCode code) => Role == Role.Enterprise && Subject == code.Value;

    public override string ToString() => Id;
}

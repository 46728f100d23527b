using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;

namespace Trading.Core.Alerts;

/// <summary>
/// Declares an alert (an official whose prefix covers its region, admin) under the caller's idempotency key: numbered in
/// its region's partition of the alerts book by the head. Its window must end after it starts, at most 30 days later,
/// and not already be over (422). The firms of the region are told afterwards, in steps (<see cref="NotifyAlert"/>).
/// </summary>
public sealed record DeclareAlert(AlertRequest Request) : IRegisterUseCase<Alert, Alert>
{
    public string Partition => Request.Region.Value;
    public string Action => "alert.declared";
    public string? Fingerprint => Hashing.Sha256Hex(string.Join("\n", "alert", Request.Region.Value, Request.Level, Request.StartsAt.ToUniversalTime().ToString("O"),
        Request.EndsAt.ToUniversalTime().ToString("O"), Request.Reason));
    public IReadOnlyCollection<string> Ids => [];

    public Decision<Alert> Decide(RegisterSnapshot<Alert> snapshot, UseCaseContext context)
    {
        var caller = context.Caller;
        if (caller.Role is not (Role.Admin or Role.Official)) throw new ForbiddenException("Only officials and admin declare alerts.");
        if (!caller.GovernsPrefix(Request.Region)) throw new ForbiddenException($"Region {Request.Region} is outside your scope ({caller.Subject}).");
        if (Request.EndsAt <= Request.StartsAt) throw new RuleViolationException("endsAt must be after startsAt.", "The alert's window is empty.");
        if (Request.EndsAt - Request.StartsAt > Alert.MaxDuration)
            throw new RuleViolationException("An alert lasts at most 30 days (endsAt at most 30 days after startsAt); declare it again to prolong it.", "The alert's window is too long.");
        if (Request.EndsAt <= context.Now) throw new RuleViolationException("endsAt is in the past: the alert would be over before it is declared.", "The alert's window is over.");
        var head = snapshot.Head.Value;
        var number = checked(head.Numbered + 1);
        var alert = new Alert(Request.Region, number, Request.Level, Request.StartsAt, Request.EndsAt, Request.Reason, caller.Id, context.Now, null, null, AlertNotices.None);
        return new Decision<Alert>(alert, [RowChange.New(alert)], head with { Numbered = number }, [new AuditEntry(Action, alert.Id)]) { ResourceId = alert.Id };
    }
}

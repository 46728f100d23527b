using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;

namespace Trading.Core.Alerts;

/// <summary>
/// Lifts an alert before its end (an official whose prefix covers its region, admin): it is ended at once, and its firms
/// are told (<c>alert.lifted</c>, in steps). Idempotent by state: lifting a lifted alert answers it again; one that ended
/// by its window is 409 with <c>state: ended</c>.
/// </summary>
public sealed record LiftAlert(Primitives.RegionPrefix Region, long Number) : IRegisterUseCase<Alert, Alert>
{
    public string Partition => Region.Value;
    public string Action => "alert.lifted";
    public string? Fingerprint => null;
    public IReadOnlyCollection<string> Ids => [Alert.RowIdOf(Number)];

    public Decision<Alert> Decide(RegisterSnapshot<Alert> snapshot, UseCaseContext context)
    {
        var caller = context.Caller;
        var id = Alert.IdOf(Region, Number);
        if (caller.Role is not (Role.Admin or Role.Official)) throw new ForbiddenException("Only officials and admin lift alerts.");
        if (!caller.GovernsPrefix(Region)) throw new NotFoundException($"No alert {id} in your scope.");
        var read = snapshot.Read(Alert.RowIdOf(Number));
        if (!read.Exists) throw new NotFoundException($"No alert {id} in your scope.");
        var alert = read.Value;
        if (alert.Lifted) return Decision<Alert>.Unchanged(alert);
        if (alert.StatusAt(context.Now) == AlertStatus.Ended) throw StateConflict.Exception($"alert {id}", "ended", "lifted");
        var lifted = alert with { LiftedAt = context.Now, LiftedBy = caller.Id };
        return new Decision<Alert>(lifted, [RowChange.Of(read, lifted)], null, [new AuditEntry(Action, id)]);
    }
}

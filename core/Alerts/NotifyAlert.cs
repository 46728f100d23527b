using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Registers;
using Trading.Core.Writes;

namespace Trading.Core.Alerts;

/// <summary>
/// One step of telling an alert's firms (admin: the notifier timer): the events of up to <see cref="MaxPerStep"/> firms,
/// in the by-region list's order, committed with the alert's cursor moved past them, in one transaction. The step names
/// the cursor it continues from; a step whose cursor has moved (another run did it) writes nothing, so each firm is told
/// once. <c>alert.declared</c> goes out first; <c>alert.lifted</c> once the alert is lifted and every firm was told of it.
/// </summary>
public sealed record NotifyAlert(Primitives.RegionPrefix Region, long Number, bool LiftedPhase, string? After, IReadOnlyList<(Enterprise Firm, FirmMeasure Measure)> Firms,
    string? Next, bool Last) : IRegisterUseCase<Alert, AlertNotices>
{
    /// <summary>Events per step: with the head, the alert and the audit record, a transaction holds at most 100 rows.</summary>
    public const int MaxPerStep = 90;

    public string Partition => Region.Value;
    public string Action => "alert.notified";
    public string? Fingerprint => null;
    public IReadOnlyCollection<string> Ids => [Alert.RowIdOf(Number)];

    /// <summary>Whether the alert's current phase is this step's and starts where this step continues.</summary>
    public static bool Due(Alert alert, bool liftedPhase, string? after) => liftedPhase
        ? alert.Notices.DeclaredDone && alert.Lifted && !alert.Notices.LiftedDone && alert.Notices.LiftedAfter == after
        : !alert.Notices.DeclaredDone && alert.Notices.DeclaredAfter == after;

    public Decision<AlertNotices> Decide(RegisterSnapshot<Alert> snapshot, UseCaseContext context)
    {
        if (context.Caller.Role != Role.Admin) throw new ForbiddenException("Alerts are sent by the notifier.");
        if (Firms.Count > MaxPerStep) throw new InvalidOperationException($"at most {MaxPerStep} firms per step");
        var read = snapshot.Read(Alert.RowIdOf(Number));
        if (!read.Exists) throw new NotFoundException($"No alert {Alert.IdOf(Region, Number)}.");
        var alert = read.Value;
        if (!Due(alert, LiftedPhase, After)) return Decision<AlertNotices>.Unchanged(alert.Notices);
        var n = alert.Notices;
        var notices = LiftedPhase
            ? n with { LiftedAfter = Next ?? n.LiftedAfter, LiftedDone = Last, LiftedSent = n.LiftedSent + Firms.Count }
            : n with { DeclaredAfter = Next ?? n.DeclaredAfter, DeclaredDone = Last, DeclaredSent = n.DeclaredSent + Firms.Count };
        var updated = alert with { Notices = notices };
        var type = LiftedPhase ? EventTypes.AlertLifted : EventTypes.AlertDeclared;
        var events = Firms.Select(f => new EventEntry(type, EventRecipient.Of(f.Firm.CreditCode), new AlertNotice(updated, f.Firm, f.Measure, context.Now))).ToList();
        return new Decision<AlertNotices>(notices, [RowChange.Of(read, updated)], null, [new AuditEntry(Action, updated.Id)]) { Events = events };
    }
}

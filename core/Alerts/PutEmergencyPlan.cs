using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Registers;

namespace Trading.Core.Alerts;

/// <summary>
/// Records a firm's emergency plan (一厂一策) and its guarantee-list flag (an official in scope of the firm's region, admin),
/// in the plans book under the firm's region (one partition per region, so a region's plans are read in one query). A PUT
/// with the fields stored writes nothing.
/// </summary>
public sealed record PutEmergencyPlan(EmergencyPlan Plan) : IRegisterUseCase<EmergencyPlan, PlanPut>
{
    public string Partition => Plan.Region.Value;
    public string Action => "emergencyplan.put";
    public string? Fingerprint => null;
    public IReadOnlyCollection<string> Ids => [Plan.Firm.Value];

    public Decision<PlanPut> Decide(RegisterSnapshot<EmergencyPlan> snapshot, UseCaseContext context)
    {
        var caller = context.Caller;
        if (caller.Role is not (Role.Admin or Role.Official)) throw new ForbiddenException("Only officials and admin record emergency plans.");
        if (!caller.GovernsRegion(Plan.Region)) throw new ForbiddenException($"Region {Plan.Region} is outside your scope ({caller.Subject}).");
        var read = snapshot.Read(Plan.Firm.Value);
        if (read.Exists && read.Value.SameAs(Plan)) return Decision<PlanPut>.Unchanged(new PlanPut(read.Value, false));
        return new Decision<PlanPut>(new PlanPut(Plan, !read.Exists), [new RowChange(Plan, read.Version)], null,
            [new AuditEntry(read.Exists ? "emergencyplan.replaced" : "emergencyplan.created", Plan.Firm.Value)]);
    }
}

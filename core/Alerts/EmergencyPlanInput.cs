using Trading.Core.Enterprises;

namespace Trading.Core.Alerts;

/// <summary>The body of <c>PUT /api/enterprises/{creditCode}/emergency-plan</c> as read from JSON, before validation.</summary>
public sealed class EmergencyPlanInput
{
    public bool? GuaranteeList { get; set; }
    public PlanLevelInput? Yellow { get; set; }
    public PlanLevelInput? Orange { get; set; }
    public PlanLevelInput? Red { get; set; }

    /// <summary>The plan of <paramref name="firm"/> (kept under its region), or one <see cref="ValidationException"/> naming every bad field.</summary>
    public EmergencyPlan Validate(Enterprise firm, string by, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var yellow = Yellow?.Validate("yellow", errors);
        var orange = Orange?.Validate("orange", errors);
        var red = Red?.Validate("red", errors);
        errors.ThrowIfAny();
        return new EmergencyPlan(firm.CreditCode, firm.Region, GuaranteeList ?? false, yellow, orange, red, now, by);
    }
}

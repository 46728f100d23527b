using Trading.Functions.Hosting;

namespace Trading.Functions;

public sealed record EmergencyPlanView(string CreditCode, string Region, bool GuaranteeList, PlanLevelView? Yellow, PlanLevelView? Orange, PlanLevelView? Red,
    [property: SchemaFormat("date-time")] string UpdatedAt, string UpdatedBy);

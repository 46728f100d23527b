namespace Trading.Core.Alerts;

/// <summary>What a plan PUT did: the plan as stored and whether it was created (201) or replaced or unchanged (200).</summary>
public sealed record PlanPut(EmergencyPlan Plan, bool Created);

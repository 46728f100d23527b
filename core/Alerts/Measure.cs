namespace Trading.Core.Alerts;

/// <summary>
/// What a firm must do under an alert (domain.md, Heavy-pollution alerts): <see cref="Self"/> reduces on its own (A, A+,
/// Leading in force; a guarantee-list firm without a plan), <see cref="None"/> no cut, <see cref="Limit"/> limits output,
/// <see cref="Stop"/> stops, <see cref="NoPlan"/> has neither a plan nor a rule (the bureau must give it one).
/// </summary>
public enum Measure
{
    Self,
    None,
    Limit,
    Stop,
    NoPlan,
}

namespace Trading.Functions;

/// <summary>How many firms of the alert's region have been told of it (events <c>alert.declared</c> / <c>alert.lifted</c>) and whether all were.</summary>
public sealed record AlertNoticesView(long Declared, bool DeclaredDone, long Lifted, bool LiftedDone);

namespace Trading.Infra;

/// <summary>An import's progress as <c>GET /api/imports/{id}</c> shows it.</summary>
public sealed record ImportJob(string Id, string CreatedBy, string Fingerprint, bool Done, long Rows, long Processed, long Created, long Updated, long Failed,
    IReadOnlyList<(long Row, string Field, string Message)> Errors, long Unchanged = 0);

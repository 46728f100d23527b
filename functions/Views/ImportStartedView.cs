namespace Trading.Functions;

public sealed record ImportStartedView(string Id, string Status, long Rows);

namespace Trading.Functions;

/// <summary>An import's progress: rows done so far, created, updated, unchanged and failed, with each failed row's error.</summary>
public sealed record ImportView(string Id, string Status, long Rows, long Done, long Created, long Updated, long Unchanged, long Failed, IReadOnlyList<ImportRowErrorView> Errors);

namespace Trading.Functions;

public sealed record HealthView(string Status);

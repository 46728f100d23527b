namespace Trading.Functions;

public sealed record WhoAmIView(string Role, string Subject, string? Name);

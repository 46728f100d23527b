namespace Trading.Functions;

public sealed record ImportRowErrorView(long Row, string Field, string Message);

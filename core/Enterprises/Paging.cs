namespace Trading.Core.Enterprises;

public static class Paging
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static int PageSize(string? text, FieldErrors errors)
    {
        if (text is null) return DefaultPageSize;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPageSize)
            return n;
        errors.Add("pageSize", $"must be a whole number from 1 to {MaxPageSize}");
        return DefaultPageSize;
    }
}

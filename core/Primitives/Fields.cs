namespace Trading.Core.Primitives;

/// <summary>Reading the common fields of a request body, each error collected under its field's name.</summary>
public static class Fields
{
    /// <summary>A required quantity in t/a (more than 0, at most 6 decimals).</summary>
    public static Quantity Quantity(decimal? value, string field, FieldErrors errors)
    {
        if (value is null) { errors.Add(field, "is required"); return Primitives.Quantity.Zero; }
        if (Primitives.Quantity.TryFromTonnes(value.Value, out var quantity, out var error)) return quantity;
        errors.Add(field, error);
        return Primitives.Quantity.Zero;
    }

    /// <summary>A required price in yuan (more than 0, at most 2 decimals).</summary>
    public static Money Price(decimal? value, string field, FieldErrors errors)
    {
        if (value is null) { errors.Add(field, "is required"); return Money.Zero; }
        if (Money.TryFromYuan(value.Value, allowZero: false, out var money, out var error)) return money;
        errors.Add(field, error);
        return Money.Zero;
    }

    /// <summary>An optional timestamp with an offset.</summary>
    public static DateTimeOffset? Timestamp(string? value, string field, FieldErrors errors)
    {
        if (value is null) return null;
        if (Timestamps.TryParse(value, out var at, out var error)) return at;
        errors.Add(field, error);
        return null;
    }
}

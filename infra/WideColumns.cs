using System.Globalization;
using Azure.Data.Tables;

namespace Trading.Infra;

/// <summary>
/// Wide sums in table columns. A value that fits in a long is written as Int64, as always; a larger one (a region's
/// totals over many markets at the long limit) as its decimal digits in a string column of the same name. Reading
/// accepts both, so rows written before stay readable and no read overflows.
/// </summary>
internal static class WideColumns
{
    public static void Put(TableEntity entity, string name, Int128 value) =>
        entity[name] = value >= long.MinValue && value <= long.MaxValue ? (long)value : value.ToString(CultureInfo.InvariantCulture);

    public static Int128 Get(TableEntity entity, string name) =>
        entity.TryGetValue(name, out var value) && value is string text
            ? Int128.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : entity.GetInt64(name) ?? 0;
}

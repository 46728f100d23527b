using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Functions;

/// <summary>Region filters of list endpoints: an official's own prefix by default, never wider.</summary>
public static class Scope
{
    public static RegionPrefix RegionFilter(Principal caller, string? text, FieldErrors errors)
    {
        if (text is null) return caller.Role == Role.Official ? RegionPrefix.Parse(caller.Subject) : RegionPrefix.All;
        if (RegionPrefix.TryParse(text, out var prefix, out var error)) return prefix;
        errors.Add("region", error);
        return RegionPrefix.All;
    }

    /// <summary>A region prefix for public market data (any caller): none means every region.</summary>
    public static RegionPrefix AnyRegion(string? text, FieldErrors errors)
    {
        if (text is null) return RegionPrefix.All;
        if (RegionPrefix.TryParse(text, out var prefix, out var error)) return prefix;
        errors.Add("region", error);
        return RegionPrefix.All;
    }

    public static Pollutant? Pollutant(string? text, FieldErrors errors)
    {
        if (text is null) return null;
        if (Pollutants.TryParse(text, out var pollutant)) return pollutant;
        errors.Add("pollutant", $"must be one of {Pollutants.Names}");
        return null;
    }

    /// <summary>A <c>status</c> filter: one of the enum's names, in any case (a number is not a name).</summary>
    public static TEnum? Status<TEnum>(string? text, FieldErrors errors) where TEnum : struct, Enum
    {
        if (text is null) return null;
        // A name of the set only: not a number, not " open", not a comma list that Enum.TryParse would OR into another value.
        if (Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } name)
            return Enum.Parse<TEnum>(name);
        errors.Add("status", "must be one of " + string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant())));
        return null;
    }

    /// <summary>
    /// Whose list a bank-and-holder list (pledges, loans) reads: a bank its own, an enterprise its own (403 when it asks
    /// for another's), officials and admin the one asked for or all.
    /// </summary>
    public static string? BankOrHolderList(Principal caller, BankId? bank, CreditCode? holder, string what) => caller.Role switch
    {
        Role.Bank when bank is { } other && other.Value != caller.Subject => throw new ForbiddenException($"A bank sees its own {what} only."),
        Role.Bank => "bank:" + caller.Subject,
        Role.Enterprise when holder is { } other && other.Value != caller.Subject => throw new ForbiddenException($"An enterprise sees its own {what} only."),
        Role.Enterprise => "holder:" + caller.Subject,
        _ => holder is { } h ? "holder:" + h.Value : bank is { } b ? "bank:" + b.Value : null,
    };

    public static ReportingMonth? Month(string? text, string field, FieldErrors errors)
    {
        if (text is null) return null;
        if (ReportingMonth.TryParse(text, out var month, out var error)) return month;
        errors.Add(field, error);
        return null;
    }

    public static void RequireGoverns(Principal caller, RegionPrefix region)
    {
        if (!caller.GovernsPrefix(region))
            throw new ForbiddenException($"Region {(region.Value.Length == 0 ? "(all)" : region.Value)} is outside your scope ({caller.Subject}).");
    }
}

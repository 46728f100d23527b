using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Core.Enterprises;

/// <summary>A registered enterprise (排污单位): identity, region, industry and its grades.</summary>
public sealed record Enterprise(
    CreditCode CreditCode,
    string Name,
    RegionCode Region,
    Industry Industry,
    PerformanceGrade Grade,
    DateOnly? GradeValidUntil,
    bool PositiveList,
    CreditRating CreditRating,
    DateTimeOffset UpdatedAt);

/// <summary>The body of <c>PUT /api/enterprises/{creditCode}</c> as read from JSON, before validation.</summary>
public sealed class EnterpriseInput
{
    public string? Name { get; set; }
    public string? Region { get; set; }
    public string? Industry { get; set; }
    public string? Grade { get; set; }
    public string? GradeValidUntil { get; set; }
    public bool? PositiveList { get; set; }
    public string? CreditRating { get; set; }

    /// <summary>Validates every field and returns the enterprise, or throws one <see cref="ValidationException"/> naming all bad fields.</summary>
    public Enterprise Validate(string? creditCodeText, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (!CreditCode.TryParse(creditCodeText, out var code, out var codeError)) errors.Add("creditCode", codeError);
        var name = Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add("name", "is required");
        else if (name.Length > 200) errors.Add("name", "has at most 200 characters");
        if (!RegionCode.TryParse(Region, out var region, out var regionError)) errors.Add("region", regionError);
        if (!Ratings.TryParseName<Industry>(Industry, out var industry))
            errors.Add("industry", $"must be one of the 39 key industries or Other: {Ratings.Names<Industry>()}");
        var grade = PerformanceGrade.Ungraded;
        if (Grade is not null && !Ratings.TryParseGrade(Grade, out grade))
            errors.Add("grade", $"must be one of {Ratings.Names<PerformanceGrade>()}");
        DateOnly? validUntil = null;
        if (GradeValidUntil is not null)
        {
            if (!DateOnly.TryParseExact(GradeValidUntil, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d))
                errors.Add("gradeValidUntil", "a date is written yyyy-MM-dd");
            // The calendar ends with 9998 (ReportingMonth): the day after the last valid day must exist (grade expiry).
            else if (d.Year > ReportingMonth.MaxYear) errors.Add("gradeValidUntil", $"must be {ReportingMonth.MaxYear}-12-31 or earlier");
            else validUntil = d;
        }
        else if (grade != PerformanceGrade.Ungraded) errors.Add("gradeValidUntil", "is required when a grade is given");
        var rating = Primitives.CreditRating.Green;
        if (CreditRating is null) errors.Add("creditRating", "is required");
        else if (!Ratings.TryParseRating(CreditRating, out rating))
            errors.Add("creditRating", $"must be one of {Ratings.Names<CreditRating>()}");
        errors.ThrowIfAny();
        return new Enterprise(code, name!, region, industry, grade, validUntil, PositiveList ?? false, rating, now);
    }
}

/// <summary>Enterprise registry (port; Table Storage in infra).</summary>
public interface IEnterpriseStore
{
    Task<Enterprise?> GetAsync(CreditCode code, CancellationToken ct);

    /// <summary>
    /// Creates or replaces through the use case <see cref="PutEnterprise"/> (the caller's scope is checked there, against
    /// the firm's old and new region); an identical PUT writes nothing. <paramref name="render"/> gives the answer recorded
    /// in the audit record.
    /// </summary>
    Task<EnterprisePut> PutAsync(Enterprise enterprise, Principal caller, Func<EnterprisePut, string> render, string? traceId, CancellationToken ct);

    /// <summary>
    /// Creates or replaces many firms (a bulk import) through <see cref="PutEnterprise"/> each, in the list's order for rows
    /// of one firm: a firm already stored with the same fields is left as it is (<see cref="PutOutcome.Unchanged"/>); a row the
    /// use case refuses (a firm registered outside the caller's scope) is <see cref="PutOutcome.Refused"/> with the message.
    /// </summary>
    Task<IReadOnlyList<(PutOutcome Outcome, string? Error)>> PutManyAsync(IReadOnlyList<Enterprise> firms, Principal caller, Func<EnterprisePut, string> render,
        string? traceId, CancellationToken ct);

    Task<ListPage<Enterprise>> ListAsync(RegionPrefix region, PerformanceGrade? grade, int pageSize, string? continuationToken, CancellationToken ct);
}

public enum PutOutcome { Created, Updated, Unchanged, Refused }

/// <summary>One page of a list and the token for the next (null at the end).</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, string? ContinuationToken);

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

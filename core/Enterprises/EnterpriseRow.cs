namespace Trading.Core.Enterprises;

/// <summary>
/// One data row of an enterprise import (CSV): the fields of <c>PUT /api/enterprises/{code}</c> by their JSON names or
/// their Chinese names, validated the same way. A bad row gives its errors and is skipped; the others are written.
/// </summary>
public static class EnterpriseRow
{
    /// <summary>Header names accepted for each field: the JSON name or the Chinese one.</summary>
    public static readonly IReadOnlyDictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["creditCode"] = "creditCode", ["统一社会信用代码"] = "creditCode",
        ["name"] = "name", ["企业名称"] = "name",
        ["region"] = "region", ["行政区划"] = "region",
        ["industry"] = "industry", ["行业"] = "industry",
        ["grade"] = "grade", ["绩效等级"] = "grade",
        ["gradeValidUntil"] = "gradeValidUntil", ["等级有效期"] = "gradeValidUntil",
        ["positiveList"] = "positiveList", ["正面清单"] = "positiveList",
        ["creditRating"] = "creditRating", ["环境信用"] = "creditRating",
    };

    /// <summary>The enterprise of a row (fields by JSON name), or the row's errors as (field, message).</summary>
    public static (Enterprise? Enterprise, IReadOnlyList<(string Field, string Message)> Errors) Parse(IReadOnlyDictionary<string, string?> fields, DateTimeOffset now)
    {
        string? Value(string name) => fields.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var errors = new List<(string, string)>();
        bool? positive = Value("positiveList") switch
        {
            null => null,
            "true" or "TRUE" or "True" or "1" or "是" or "Y" or "y" => true,
            "false" or "FALSE" or "False" or "0" or "否" or "N" or "n" => false,
            _ => null,
        };
        if (Value("positiveList") is not null && positive is null) errors.Add(("positiveList", "is true or false (是/否)"));
        try
        {
            var enterprise = new EnterpriseInput
            {
                Name = Value("name"), Region = Value("region"), Industry = Value("industry"), Grade = Value("grade"),
                GradeValidUntil = Value("gradeValidUntil"), PositiveList = positive, CreditRating = Value("creditRating"),
            }.Validate(Value("creditCode"), now);
            return errors.Count == 0 ? (enterprise, errors) : (null, errors);
        }
        catch (ValidationException ex)
        {
            errors.AddRange(ex.Errors.SelectMany(e => e.Value.Select(m => (e.Key, m))));
            return (null, errors);
        }
    }
}

using Trading.Core.Access;
using Trading.Core.Primitives;

namespace Trading.Core.Enterprises;

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

    /// <summary>
    /// The registered names of <paramref name="codes"/> (a page of trades' parties), read together rather than one request
    /// after another; a code that is not registered is absent from the answer.
    /// </summary>
    Task<IReadOnlyDictionary<CreditCode, string>> NamesAsync(IReadOnlyCollection<CreditCode> codes, CancellationToken ct);

    Task<ListPage<Enterprise>> ListAsync(RegionPrefix region, PerformanceGrade? grade, int pageSize, string? continuationToken, CancellationToken ct);
}

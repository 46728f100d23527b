using Trading.Core.Ledger;

namespace Trading.Core.Loans;

/// <summary>Runs a bank use case as <see cref="UseCaseRunner"/> runs a market's: idempotency first, then the rules, then the idempotency record joins the changes.</summary>
public static class BankUseCaseRunner
{
    public static Decision<T> Run<T>(IBankUseCase<T> useCase, BankSnapshot snapshot, UseCaseContext context)
    {
        var fingerprint = useCase.Fingerprint;
        if (fingerprint is not null && snapshot.Idempotency is { } seen)
            return seen.Fingerprint == fingerprint ? Decision<T>.Replay(seen) : throw UseCaseRunner.KeyReused();
        var decision = useCase.Decide(snapshot, context);
        if (decision.WritesNothing || fingerprint is null) return decision;
        var resource = decision.ResourceId ?? throw new InvalidOperationException($"{useCase.Action} names no created resource");
        return decision with { Changes = [.. decision.Changes, RowChange.New(new IdempotencyRecord(context.CallerKeyHash!, fingerprint, resource, null))] };
    }
}

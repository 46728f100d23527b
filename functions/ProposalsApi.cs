using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>Trade proposals: an enterprise proposes, the counterparty confirms (the trade is recorded then) or rejects.</summary>
public static class ProposalsApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("ProposeTrade", "POST", "trade-proposals", ProposeAsync).Summary("Propose a trade to its counterparty")
            .Accepts<ProposalInput>().Returns<ProposalView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("GetTradeProposal", "GET", "trade-proposals/{id}", GetAsync).Returns<ProposalView>(),
        new HttpFunction("ListTradeProposals", "GET", "trade-proposals", ListAsync).Summary("List trade proposals, newest first")
            .Query("region", "status", "party").Paged().Returns<Page<ProposalView>>(),
        new HttpFunction("ConfirmTradeProposal", "POST", "trade-proposals/{id}/confirm", context => ChangeAsync(context, id => new ConfirmProposal(id.Market, id.Number)))
            .Summary("Confirm a trade proposal: the trade is recorded").AcceptsNothing().Returns<ProposalView>().Problems(409, 422),
        new HttpFunction("RejectTradeProposal", "POST", "trade-proposals/{id}/reject", context => ChangeAsync(context, id => new EndProposal(id.Market, id.Number, ProposalStatus.Rejected)))
            .AcceptsNothing().Returns<ProposalView>().Problems(409),
        new HttpFunction("CancelTradeProposal", "POST", "trade-proposals/{id}/cancel", context => ChangeAsync(context, id => new EndProposal(id.Market, id.Number, ProposalStatus.Cancelled)))
            .AcceptsNothing().Returns<ProposalView>().Problems(409),
        // Ends expired offers, then drives every loan application or repaid loan with a step left to rest (expiring applications past 30 days).
        new TimerFunction("ExpireProposals", "0 */5 * * * *", async (services, ct) =>
        {
            var budget = services.GetRequiredService<TimerBudgets>().Start();
            return [.. await services.GetRequiredService<OfferExpiry>().ExpireDueAsync(budget, ct), .. await services.GetRequiredService<LoanSteps>().FinishDueAsync(budget, ct),
                .. budget.Stopped ? [budget.StoppedLine("ExpireProposals")] : Array.Empty<string>()];
        }),
    ];

    private static async Task<IResult> ProposeAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var proposer = LedgerAccess.RequireProposer(caller);
        var key = Writes.IdempotencyKey(context);
        var request = (await Json.ReadBodyAsync<ProposalInput>(context)).Validate(proposer, context.Now());
        await context.Service<Parties>().RequireRegisteredAsync(context.RequestAborted, (request.Seller, "seller"), (request.Buyer, "buyer"));
        var (result, _) = await Writes.CreateAsync(context, caller, key, new ProposeTrade(request), Views.Proposal, "trade-proposals");
        return result;
    }

    private static async Task<IResult> ChangeAsync(HttpContext context, Func<(MarketId Market, long Number), IMarketUseCase<ProposalOutcome>> useCase)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Enterprise);
        await Json.ReadOptionalBodyAsync<Json.NoFields>(context);
        var id = Writes.RouteId(context, "trade proposal", TradeProposal.TryParseId);
        var (result, _) = await Writes.ChangeAsync(context, caller, useCase(id), Views.Proposal);
        return result;
    }

    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var (market, number) = Writes.RouteId(context, "trade proposal", TradeProposal.TryParseId);
        var outcome = await LoadVisibleAsync(context, caller, market, number)
                      ?? throw new NotFoundException($"No trade proposal {TradeProposal.IdOf(market, number)} in your scope.");
        return Json.Result(Views.Proposal(outcome));
    }

    private static async Task<ProposalOutcome?> LoadVisibleAsync(HttpContext context, Principal caller, MarketId market, long number)
    {
        var ledger = context.Service<TableLedger>();
        var proposal = await ledger.GetProposalAsync(market, number, context.RequestAborted);
        if (proposal is null || !LedgerAccess.MaySee(caller, proposal)) return null;
        var trade = proposal.TradeSequence is { } seq ? await ledger.GetTradeAsync(new TradeId(market, seq), context.RequestAborted) : null;
        return new ProposalOutcome(proposal, trade);
    }

    /// <summary>Newest first: an enterprise's own (as either party), an official's in scope, or all for admin; filtered by status.</summary>
    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var errors = new FieldErrors();
        var region = caller.Role == Role.Enterprise && context.Query("region") is null ? RegionPrefix.All : Scope.RegionFilter(caller, context.Query("region"), errors);
        var status = Scope.Status<ProposalStatus>(context.Query("status"), errors);
        string? party = null;
        if (context.Query("party") is { } partyText)
        {
            if (CreditCode.TryParse(partyText, out var code, out var error)) party = code.Value;
            else errors.Add("party", error);
        }
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        if (caller.Role == Role.Enterprise)
        {
            if (party is not null && party != caller.Subject) throw new ForbiddenException("An enterprise sees only the proposals it is party to.");
            party = caller.Subject;
        }
        else Scope.RequireGoverns(caller, region);
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.Proposals, party, region, pageSize, context.Query("continuationToken"),
            async id =>
            {
                if (!TradeProposal.TryParseId(id, out var market, out var number)) return null;
                var outcome = await LoadVisibleAsync(context, caller, market, number);
                return outcome is not null && (status is null || outcome.Proposal.Status == status) && market.Region.Value.StartsWith(region.Value, StringComparison.Ordinal)
                    ? outcome : null;
            }, context.RequestAborted);
        return Json.Result(Views.Page(page, Views.Proposal));
    }
}

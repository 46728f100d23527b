using Trading.Core;
using Trading.Core.Access;
using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Ledger;
using Trading.Core.Ledger.UseCases;
using Trading.Core.Loans;
using Trading.Core.Loans.UseCases;
using Trading.Core.Primitives;
using Trading.Functions.Hosting;
using Trading.Core.Writes;
using Trading.Infra;

namespace Trading.Functions;

/// <summary>Green loans (绿色金融贷款): firms apply, banks approve (with the pledge in the same step) or decline, loans are recorded and repaid.</summary>
public static class LoansApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("ApplyForLoan", "POST", "loan-applications", ApplyAsync).Summary("Apply for a loan product (for a pledge product, with the rights offered: frozen while submitted)")
            .Accepts<ApplicationInput>().Returns<ApplicationView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("ApproveApplication", "POST", "loan-applications/{id}/approve", ApproveAsync)
            .Summary("Approve a loan application: at most the amount applied for, against at most the rights offered; the answer carries the granted loan")
            .Accepts<ApproveInput>().Returns<ApplicationView>().Problems(409, 422),
        new HttpFunction("DeclineApplication", "POST", "loan-applications/{id}/decline", DeclineAsync).Summary("Decline a loan application: its offered rights are available again")
            .Accepts<DeclineInput>().Returns<ApplicationView>().Problems(409),
        new HttpFunction("WithdrawApplication", "POST", "loan-applications/{id}/withdraw", WithdrawAsync)
            .Summary("The applicant withdraws its application while submitted: its offered rights are available again").AcceptsNothing().Returns<ApplicationView>().Problems(409),
        new HttpFunction("BankApplications", "GET", "banks/{bankId}/loan-applications", BankApplicationsAsync).Summary("A bank's loan applications")
            .Query("status").Returns<Page<ApplicationView>>(),
        new HttpFunction("FirmApplications", "GET", "enterprises/{creditCode}/loan-applications", FirmApplicationsAsync).Summary("An enterprise's loan applications")
            .Paged().Returns<Page<ApplicationView>>(),
        new HttpFunction("RecordLoan", "POST", "loans", RecordAsync).Summary("Record a green loan granted outside the platform")
            .Accepts<LoanInput>().Returns<LoanView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("GetLoan", "GET", "loans/{id}", GetAsync).Summary("A loan (its bank, its borrower, officials in scope, admin)").Returns<LoanView>(),
        new HttpFunction("RepayLoan", "POST", "loans/{id}/repay", RepayAsync).Summary("The bank records a repayment: the loan's pledge is released")
            .AcceptsNothing().Returns<LoanView>().Problems(409),
        new HttpFunction("ListLoans", "GET", "loans", ListAsync).Query("bankId", "borrower", "from", "to", "region").Paged().Returns<Page<LoanView>>(),
        new TimerFunction("CountLoans", "0 * * * * *", async (services, ct) =>
        {
            var budget = services.GetRequiredService<TimerBudgets>().Start();
            var banks = await services.GetRequiredService<LoanFigures>().CountPendingAsync(budget, ct);
            return [$"Loan figures counted for {banks} marked bank(s).", .. budget.Stopped ? [budget.StoppedLine("CountLoans")] : Array.Empty<string>()];
        }),
    ];

    public sealed class ApplicationInput
    {
        public string? BankId { get; set; }
        public string? ProductId { get; set; }
        public decimal? Amount { get; set; }
        public string? Purpose { get; set; }
        public PledgeOfferInput? Pledge { get; set; }

        /// <summary>The rights offered in pledge (a pledge product).</summary>
        public sealed class PledgeOfferInput
        {
            public string? Region { get; set; }
            public string? Pollutant { get; set; }
            public decimal? Quantity { get; set; }
        }
    }

    /// <summary>
    /// An enterprise applies: 201 when eligible now and within its limit (else 422 with the reasons); for a pledge product
    /// with the rights it offers, frozen before the answer (the loan process: recorded, frozen, submitted).
    /// </summary>
    private static async Task<IResult> ApplyAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Enterprise);
        var key = Writes.IdempotencyKey(context);
        var input = await Json.ReadBodyAsync<ApplicationInput>(context);
        var errors = new FieldErrors();
        if (!BankId.TryParse(input.BankId, out var bank, out var bankError)) errors.Add("bankId", bankError);
        if (!LoanProductInput.IsProductId(input.ProductId)) errors.Add("productId", "is required: a product id of the bank");
        var amount = Fields.Price(input.Amount, "amount", errors);
        var purpose = input.Purpose?.Trim();
        if (purpose is { Length: > 500 }) errors.Add("purpose", "has at most 500 characters");
        MarketId? market = null;
        var quantity = Quantity.Zero;
        if (input.Pledge is { } p)
        {
            if (!RegionCode.TryParse(p.Region, out var region, out var regionError)) errors.Add("pledge.region", regionError);
            if (p.Pollutant is null) errors.Add("pledge.pollutant", "is required");
            var pollutant = Scope.Pollutant(p.Pollutant, errors);
            quantity = Fields.Quantity(p.Quantity, "pledge.quantity", errors);
            if (pollutant is { } pol && !errors.Any) market = new MarketId(region, pol);
        }
        errors.ThrowIfAny();
        var product = await context.Service<ProductStore>().GetAsync(bank, input.ProductId!, context.RequestAborted)
                      ?? throw new NotFoundException($"Bank {bank} has no product {input.ProductId}.");
        var firm = await context.Service<IEnterpriseStore>().GetAsync(CreditCode.Parse(caller.Subject), context.RequestAborted)
                   ?? throw new RuleViolationException($"{caller.Subject} is not a registered enterprise.", "Unregistered party.");
        var eligibility = await context.Service<MatchRefresher>().ExplainAsync(product, firm, context.RequestAborted);
        OfferedRights? offer = null;
        if (market is { } m)
        {
            var ledger = context.Service<TableLedger>();
            var today = DateOnly.FromDateTime(context.Now().ToOffset(ReportingMonth.ChinaOffset).DateTime);
            var prices = await ledger.PricesAsync([m], today, context.RequestAborted);
            offer = new OfferedRights(m, quantity, prices.TryGetValue(m, out var price) ? price : null, await AvailableAsync(context, firm.CreditCode, m));
        }
        var outcome = await context.Service<BankWriter>().ExecuteAsync(
            new SubmitApplication(product, firm.CreditCode, amount, string.IsNullOrEmpty(purpose) ? null : purpose, eligibility, offer), caller, key,
            a => TradingJson.Serialize(Views.Application(a, null)), context.TraceIdentifier, context.RequestAborted);
        if (!LoanApplication.TryParseId(outcome.ResourceId, out var b, out var number)) throw new InvalidOperationException("an application answers its id");
        var application = await context.Service<LoanSteps>().SettleAsync(b, number, context.RequestAborted)
                          ?? throw new InvalidOperationException($"application {outcome.ResourceId} vanished");
        if (application.Offer is { } o)
        {
            await Refresh.FirmAsync(context, firm.CreditCode);
            // The rights were taken meanwhile (checked when it applied, gone when they were to be frozen): nothing is held.
            if (application.Status == ApplicationStatus.Void)
                throw Oversell.Exception(Holder.Of(firm.CreditCode), o.Market, await AvailableAsync(context, firm.CreditCode, o.Market), o.Quantity, "offer in pledge");
        }
        var body = await RenderAsync(context, application);
        var headers = new Dictionary<string, string> { ["Location"] = $"/api/loan-applications/{application.Id}" };
        if (outcome.Replayed) headers["Idempotent-Replayed"] = "true";
        return Json.Text(body, 201, headers);
    }

    private static async Task<Quantity> AvailableAsync(HttpContext context, CreditCode firm, MarketId market) =>
        (await context.Service<TableLedger>().HoldingsOfAsync(Holder.Of(firm), context.RequestAborted)).FirstOrDefault(h => h.Market == market)?.Holding.Available
        ?? Quantity.Zero;

    /// <summary>The application as every reader sees it (the states in between resolved), with its loan when granted.</summary>
    private static async Task<string> RenderAsync(HttpContext context, LoanApplication application) =>
        TradingJson.Serialize(await ViewAsync(context.Service<LoanSteps>(), application, context.RequestAborted)
                              ?? throw new NotFoundException($"No application {application.Id} of yours."));

    private static async Task<ApplicationView?> ViewAsync(LoanSteps steps, LoanApplication application, CancellationToken ct) =>
        await steps.ResolveAsync(application, ct) is { } r ? Views.Application(r.Application, r.Loan) : null;

    public sealed class ApproveInput
    {
        public decimal? Amount { get; set; }
        public decimal? AnnualRatePct { get; set; }
        public int? TermMonths { get; set; }
        public string? GrantedAt { get; set; }
        public PledgeTermsInput? Pledge { get; set; }

        /// <summary>What the bank takes in pledge: a quantity (default: all that was offered); region and pollutant, if given, must be those offered.</summary>
        public sealed class PledgeTermsInput
        {
            public string? Region { get; set; }
            public string? Pollutant { get; set; }
            public decimal? Quantity { get; set; }
        }
    }

    /// <summary>
    /// The bank grants: the decision (terms, pledge taken) is checked and recorded in the bank's book, then the loan process
    /// makes the offer the loan's active pledge and writes the loan. A retry of an interrupted approval finishes it (and so
    /// does the next ExpireProposals run). The answer carries the loan.
    /// </summary>
    private static async Task<IResult> ApproveAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var input = await Json.ReadBodyAsync<ApproveInput>(context);
        var (bank, number) = BankRouteId(context, "loan application", LoanApplication.TryParseId);
        var errors = new FieldErrors();
        var terms = LoanTerms.Parse(input.Amount, input.AnnualRatePct, input.TermMonths, input.GrantedAt, context.Now(), errors);
        MarketId? market = null;
        Quantity? take = null;
        if (input.Pledge is { } p)
        {
            if (p.Region is not null || p.Pollutant is not null)
            {
                if (!RegionCode.TryParse(p.Region, out var region, out var regionError)) errors.Add("pledge.region", regionError);
                if (p.Pollutant is null) errors.Add("pledge.pollutant", "is required with pledge.region");
                var pollutant = Scope.Pollutant(p.Pollutant, errors);
                if (pollutant is { } pol && !errors.Any) market = new MarketId(region, pol);
            }
            if (p.Quantity is not null) take = Fields.Quantity(p.Quantity, "pledge.quantity", errors);
        }
        errors.ThrowIfAny();
        var steps = context.Service<LoanSteps>();
        await RequireVisibleAsync(context, steps, caller, bank, number);
        var application = await steps.SettleAsync(bank, number, context.RequestAborted) ?? throw new NotFoundException($"No application {LoanApplication.IdOf(bank, number)} of yours.");
        var product = await context.Service<ProductStore>().GetAsync(bank, application.ProductId, context.RequestAborted);
        var borrower = await context.Service<IEnterpriseStore>().GetAsync(application.Applicant, context.RequestAborted)
                       ?? throw new InvalidOperationException("an applicant is a registered enterprise");
        await context.Service<BankWriter>().ExecuteAsync(
            new DecideApplication(bank, number, new ApprovalRequest(terms, take, market, product?.MinAmount ?? Money.Zero, borrower.Region), null), caller, null,
            a => TradingJson.Serialize(Views.Application(a, null)), context.TraceIdentifier, context.RequestAborted);
        return await SettledAsync(context, steps, bank, number);
    }

    /// <summary>
    /// 404 unless the caller may see the application (its bank, its applicant, admin): a stranger's request does not drive
    /// another's application forward, even to a state the finisher would reach anyway. The use case decides the rest.
    /// </summary>
    private static async Task RequireVisibleAsync(HttpContext context, LoanSteps steps, Principal caller, BankId bank, long number)
    {
        if (await steps.ApplicationAsync(bank, number, context.RequestAborted) is not { } application || !LoanAccess.MaySee(caller, application))
            throw new NotFoundException($"No application {LoanApplication.IdOf(bank, number)} of yours.");
    }

    /// <summary>Drives the application's process to rest after a decision and answers it as readers see it.</summary>
    private static async Task<IResult> SettledAsync(HttpContext context, LoanSteps steps, BankId bank, long number)
    {
        var application = (await steps.SettleAsync(bank, number, context.RequestAborted))!;
        if (application.Offer is not null) await Refresh.FirmAsync(context, application.Applicant);
        return Json.Text(await RenderAsync(context, application), 200);
    }

    public sealed class DeclineInput
    {
        public string? Reason { get; set; }
    }

    private static async Task<IResult> DeclineAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var input = await Json.ReadBodyAsync<DeclineInput>(context);
        var reason = input.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 500) throw ValidationException.For("reason", "is required (the firm reads it), at most 500 characters");
        var (bank, number) = BankRouteId(context, "loan application", LoanApplication.TryParseId);
        var steps = context.Service<LoanSteps>();
        await RequireVisibleAsync(context, steps, caller, bank, number);
        await steps.SettleAsync(bank, number, context.RequestAborted);
        await context.Service<BankWriter>().ExecuteAsync(new DecideApplication(bank, number, null, reason), caller, null,
            a => TradingJson.Serialize(Views.Application(a, null)), context.TraceIdentifier, context.RequestAborted);
        return await SettledAsync(context, steps, bank, number);
    }

    private static async Task<IResult> WithdrawAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Enterprise);
        await Json.ReadOptionalBodyAsync<Json.NoFields>(context);
        var (bank, number) = BankRouteId(context, "loan application", LoanApplication.TryParseId);
        var steps = context.Service<LoanSteps>();
        await RequireVisibleAsync(context, steps, caller, bank, number);
        await steps.SettleAsync(bank, number, context.RequestAborted);
        await context.Service<BankWriter>().ExecuteAsync(new WithdrawApplication(bank, number), caller, null,
            a => TradingJson.Serialize(Views.Application(a, null)), context.TraceIdentifier, context.RequestAborted);
        return await SettledAsync(context, steps, bank, number);
    }

    private static async Task<IResult> BankApplicationsAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        if (!BankId.TryParse(context.Request.RouteValues["bankId"] as string, out var bank, out var error)) throw ValidationException.For("bankId", error);
        if (!LoanAccess.IsBankOrAdmin(caller, bank)) throw new ForbiddenException("A bank sees its own applications only.");
        var errors = new FieldErrors();
        var status = Scope.Status<ApplicationStatus>(context.Query("status"), errors);
        errors.ThrowIfAny();
        var list = await context.Service<BankWriter>().ApplicationsAsync(bank, context.RequestAborted);
        var steps = context.Service<LoanSteps>();
        var views = await Bounded.SelectAsync(list, a => ViewAsync(steps, a, context.RequestAborted), 16, context.RequestAborted);
        return Json.Result(new Page<ApplicationView>(views.OfType<ApplicationView>().Where(v => status is null || v.Status == StateConflict.Name(status.Value)).ToList(), null));
    }

    private static async Task<IResult> FirmApplicationsAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var firm = await EnterprisesApi.FindVisibleAsync(context, caller, context.Request.RouteValues["creditCode"] as string);
        var errors = new FieldErrors();
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var writer = context.Service<BankWriter>();
        var steps = context.Service<LoanSteps>();
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.Applications, "holder:" + firm.CreditCode.Value, RegionPrefix.All, pageSize,
            context.Query("continuationToken"), async id => LoanApplication.TryParseId(id, out var bank, out var n)
                && await writer.GetApplicationAsync(bank, n, context.RequestAborted) is { } a && a.Applicant == firm.CreditCode
                ? await ViewAsync(steps, a, context.RequestAborted)
                : null, context.RequestAborted);
        return Json.Result(new Page<ApplicationView>(page.Items, page.ContinuationToken));
    }

    public sealed class LoanInput
    {
        public string? BankId { get; set; }
        public string? Borrower { get; set; }
        public string? ProductId { get; set; }
        public decimal? Amount { get; set; }
        public decimal? AnnualRatePct { get; set; }
        public int? TermMonths { get; set; }
        public string? GrantedAt { get; set; }
        public string? Reference { get; set; }
    }

    /// <summary>A bank records a loan granted outside the platform (a matchmaking event); admin too.</summary>
    private static async Task<IResult> RecordAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var key = Writes.IdempotencyKey(context);
        var input = await Json.ReadBodyAsync<LoanInput>(context);
        var errors = new FieldErrors();
        if (!BankId.TryParse(input.BankId, out var bank, out var bankError)) errors.Add("bankId", bankError);
        if (!CreditCode.TryParse(input.Borrower, out var borrower, out var borrowerError)) errors.Add("borrower", borrowerError);
        if (input.ProductId is not null && !LoanProductInput.IsProductId(input.ProductId)) errors.Add("productId", "has 1–64 letters, digits, '-' or '_'");
        var reference = input.Reference?.Trim();
        if (reference is { Length: > 200 }) errors.Add("reference", "has at most 200 characters");
        var terms = LoanTerms.Parse(input.Amount, input.AnnualRatePct, input.TermMonths, input.GrantedAt, context.Now(), errors);
        errors.ThrowIfAny();
        var firm = await context.Service<IEnterpriseStore>().GetAsync(borrower, context.RequestAborted)
                   ?? throw new RuleViolationException($"The borrower {borrower} is not a registered enterprise.", "Unregistered party.");
        var outcome = await context.Service<BankWriter>().ExecuteAsync(new RecordLoan(bank, borrower, firm.Region, input.ProductId, terms,
            string.IsNullOrEmpty(reference) ? null : reference), caller, key, l => TradingJson.Serialize(Views.Loan(l)), context.TraceIdentifier, context.RequestAborted);
        return Created(outcome, "loans");
    }

    /// <summary>A loan: its bank, its borrower, officials governing the borrower's region, admin; others 404. A grant half-way is shown as readers must see it.</summary>
    private static async Task<IResult> GetAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var (bank, number) = BankRouteId(context, "loan", Loan.TryParseId);
        var loan = await context.Service<LoanSteps>().LoanAsReadAsync(bank, number, context.RequestAborted);
        if (loan is null || !LoanAccess.MaySee(caller, loan)) throw new NotFoundException($"No loan {Loan.IdOf(bank, number)} of yours.");
        return Json.Result(Views.Loan(loan));
    }

    /// <summary>The bank records the repayment; then the loan process releases the loan's pledge (a retry, or the finisher, completes it).</summary>
    private static async Task<IResult> RepayAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        await Json.ReadOptionalBodyAsync<Json.NoFields>(context);
        var (bank, number) = BankRouteId(context, "loan", Loan.TryParseId);
        var steps = context.Service<LoanSteps>();
        if (!LoanAccess.IsBankOrAdmin(caller, bank)) throw new NotFoundException($"No loan {Loan.IdOf(bank, number)} of yours.");
        // A loan whose grant is half-way (pledge active, loan not yet written) is granted first.
        if (await steps.LoanAsync(bank, number, context.RequestAborted) is null
            && await steps.LoanAsReadAsync(bank, number, context.RequestAborted) is { ApplicationId: { } applicationId }
            && LoanApplication.TryParseId(applicationId, out var ab, out var an))
            await steps.SettleAsync(ab, an, context.RequestAborted);
        await context.Service<BankWriter>().ExecuteAsync(new RepayLoan(bank, number), caller, null, l => TradingJson.Serialize(Views.Loan(l)),
            context.TraceIdentifier, context.RequestAborted);
        var loan = (await steps.SettleLoanAsync(bank, number, context.RequestAborted))!;
        if (loan.PledgeId is not null) await Refresh.FirmAsync(context, loan.Borrower);
        return Json.Result(Views.Loan(loan));
    }

    /// <summary>Newest first: a bank's own, a borrower's own, an official's borrowers in scope, or all for admin; by grant month.</summary>
    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var errors = new FieldErrors();
        BankId? bank = null;
        if (context.Query("bankId") is { } b) { if (BankId.TryParse(b, out var id, out var e)) bank = id; else errors.Add("bankId", e); }
        CreditCode? borrower = null;
        if (context.Query("borrower") is { } c) { if (CreditCode.TryParse(c, out var code, out var e)) borrower = code; else errors.Add("borrower", e); }
        var from = Scope.Month(context.Query("from"), "from", errors);
        var to = Scope.Month(context.Query("to"), "to", errors);
        var region = caller.Role is Role.Official or Role.Admin ? Scope.RegionFilter(caller, context.Query("region"), errors) : RegionPrefix.All;
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var party = Scope.BankOrHolderList(caller, bank, borrower, "loans");
        if (caller.Role == Role.Official) Scope.RequireGoverns(caller, region);
        var steps = context.Service<LoanSteps>();
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.Loans, party, region, pageSize, context.Query("continuationToken"),
            async id => Loan.TryParseId(id, out var bk, out var n) && await steps.LoanAsReadAsync(bk, n, context.RequestAborted) is { } l && LoanAccess.MaySee(caller, l)
                        && (from is null || l.Month >= from) && (to is null || l.Month <= to) && (bank is null || l.Bank == bank) && (borrower is null || l.Borrower == borrower)
                        && l.BorrowerRegion.Value.StartsWith(region.Value, StringComparison.Ordinal) ? l : null, context.RequestAborted);
        return Json.Result(Views.Page(page, Views.Loan));
    }

    private static IResult Created<T>(WriteOutcome<T> outcome, string prefix)
    {
        var headers = new Dictionary<string, string> { ["Location"] = $"/api/{prefix}/{outcome.ResourceId}" };
        if (outcome.Replayed) headers["Idempotent-Replayed"] = "true";
        return Json.Text(outcome.Body, 201, headers);
    }

    private static (BankId Bank, long Number) BankRouteId(HttpContext context, string what, BankIdParser parse)
    {
        var text = context.Request.RouteValues["id"] as string;
        return parse(text, out var bank, out var number) ? (bank, number) : throw new NotFoundException($"No {what} {text} of yours.");
    }

    private delegate bool BankIdParser(string? text, out BankId bank, out long number);
}

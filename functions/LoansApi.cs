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
        new HttpFunction("ApplyForLoan", "POST", "loan-applications", ApplyAsync).Accepts<ApplicationInput>().Returns<ApplicationView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("ApproveApplication", "POST", "loan-applications/{id}/approve", ApproveAsync).Summary("Approve a loan application: the loan is granted")
            .Accepts<ApproveInput>().Returns<ApplicationView>().Problems(409, 422),
        new HttpFunction("DeclineApplication", "POST", "loan-applications/{id}/decline", DeclineAsync).Accepts<DeclineInput>().Returns<ApplicationView>().Problems(409),
        new HttpFunction("BankApplications", "GET", "banks/{bankId}/loan-applications", BankApplicationsAsync).Summary("A bank's loan applications")
            .Query("status").Returns<Page<ApplicationView>>(),
        new HttpFunction("FirmApplications", "GET", "enterprises/{creditCode}/loan-applications", FirmApplicationsAsync).Summary("An enterprise's loan applications")
            .Paged().Returns<Page<ApplicationView>>(),
        new HttpFunction("RecordLoan", "POST", "loans", RecordAsync).Summary("Record a green loan granted outside the platform")
            .Accepts<LoanInput>().Returns<LoanView>(201).Idempotent().Problems(409, 422),
        new HttpFunction("RepayLoan", "POST", "loans/{id}/repay", RepayAsync).AcceptsNothing().Returns<LoanView>().Problems(409),
        new HttpFunction("ListLoans", "GET", "loans", ListAsync).Query("bankId", "borrower", "from", "to", "region").Paged().Returns<Page<LoanView>>(),
        new TimerFunction("CountLoans", "0 * * * * *", async (services, ct) =>
        {
            var writer = services.GetRequiredService<BankWriter>();
            var figures = services.GetRequiredService<LoanFigures>();
            var banks = await writer.BanksAsync(ct);
            await Bounded.SelectAsync(banks, b => figures.CountAsync(b, ct), 8, ct);
            return [$"Loan figures counted for {banks.Count} bank(s)."];
        }),
    ];

    public sealed class ApplicationInput
    {
        public string? BankId { get; set; }
        public string? ProductId { get; set; }
        public decimal? Amount { get; set; }
        public string? Purpose { get; set; }
    }

    /// <summary>An enterprise applies: 201 when eligible now and within its limit, else 422 with the reasons.</summary>
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
        errors.ThrowIfAny();
        var product = await context.Service<ProductStore>().GetAsync(bank, input.ProductId!, context.RequestAborted)
                      ?? throw new NotFoundException($"Bank {bank} has no product {input.ProductId}.");
        var firm = await context.Service<IEnterpriseStore>().GetAsync(CreditCode.Parse(caller.Subject), context.RequestAborted)
                   ?? throw new RuleViolationException($"{caller.Subject} is not a registered enterprise.", "Unregistered party.");
        var eligibility = await context.Service<MatchRefresher>().ExplainAsync(product, firm, context.RequestAborted);
        var outcome = await context.Service<BankWriter>().ExecuteAsync(
            new SubmitApplication(product, firm.CreditCode, amount, string.IsNullOrEmpty(purpose) ? null : purpose, eligibility), caller, key,
            a => TradingJson.Serialize(Views.Application(a)), context.TraceIdentifier, context.RequestAborted);
        return Created(outcome, "loan-applications");
    }

    public sealed class ApproveInput
    {
        public decimal? Amount { get; set; }
        public decimal? AnnualRatePct { get; set; }
        public int? TermMonths { get; set; }
        public string? GrantedAt { get; set; }
        public PledgeTermsInput? Pledge { get; set; }

        public sealed class PledgeTermsInput
        {
            public string? Region { get; set; }
            public string? Pollutant { get; set; }
            public decimal? Quantity { get; set; }
        }
    }

    /// <summary>
    /// The bank grants: for a pledge product the rights are pledged first (active at once: the firm applied with them;
    /// 409 with <c>available</c> when they are gone, and then no loan), then the application is granted with its loan.
    /// A retry after a failure between the two finds the pledge made (same key) and completes the grant.
    /// </summary>
    private static async Task<IResult> ApproveAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        var input = await Json.ReadBodyAsync<ApproveInput>(context);
        var (bank, number) = BankRouteId(context, "loan application", LoanApplication.TryParseId);
        var errors = new FieldErrors();
        var terms = LoanTerms.Parse(input.Amount, input.AnnualRatePct, input.TermMonths, input.GrantedAt, context.Now(), errors);
        MarketId? market = null;
        var pledgeQuantity = Quantity.Zero;
        if (input.Pledge is { } p)
        {
            if (!RegionCode.TryParse(p.Region, out var region, out var regionError)) errors.Add("pledge.region", regionError);
            var pollutant = Scope.Pollutant(p.Pollutant, errors);
            if (p.Pollutant is null) errors.Add("pledge.pollutant", "is required");
            pledgeQuantity = Fields.Quantity(p.Quantity, "pledge.quantity", errors);
            if (pollutant is { } pol && !errors.Any) market = new MarketId(region, pol);
        }
        errors.ThrowIfAny();
        var writer = context.Service<BankWriter>();
        var application = await writer.GetApplicationAsync(bank, number, context.RequestAborted);
        if (application is null || !LoanAccess.IsBankOrAdmin(caller, bank)) throw new NotFoundException($"No application {LoanApplication.IdOf(bank, number)} of yours.");
        var product = await context.Service<ProductStore>().GetAsync(bank, application.ProductId, context.RequestAborted);
        var borrower = await context.Service<IEnterpriseStore>().GetAsync(application.Applicant, context.RequestAborted)
                       ?? throw new InvalidOperationException("an applicant is a registered enterprise");
        string? pledgeId = null;
        if (application.Status == ApplicationStatus.Submitted && product?.Pledge is { } pledgeTerms)
        {
            if (market is not { } m) throw ValidationException.For("pledge", "is required for a pledge product: region, pollutant and quantity of the rights pledged");
            if (!pledgeTerms.Pollutants.Contains(m.Pollutant))
                throw new RuleViolationException($"Product {product.Key} takes pledges of {string.Join(", ", pledgeTerms.Pollutants)} only.");
            // The firm consented to pledge what the loan needs, not more: the quantity whose value covers the loan.
            var today = DateOnly.FromDateTime(context.Now().ToOffset(ReportingMonth.ChinaOffset).DateTime);
            if (!(await context.Service<TableLedger>().PricesAsync([m], today, context.RequestAborted)).TryGetValue(m, out var price))
                throw new RuleViolationException($"The rights in {m} cannot be valued (no trades in the last 12 months), so they cannot secure this loan.");
            var needed = PledgeSizing.Needed(terms.Amount, price, product);
            if (pledgeQuantity > needed)
                throw new RuleViolationException($"A pledge of at most {needed.Tonnes} t/a in {m} covers a loan of {terms.Amount.Yuan:0.00} CNY under {product.Key}; the firm consented to no more.",
                    "The pledge exceeds what the loan needs.");
            var request = new PledgeRequest(bank, m, Holder.Of(application.Applicant), pledgeQuantity, terms.Amount, application.Id);
            // Keyed by the application (as the bank, whoever approves): a retry finds the same pledge, never makes a second.
            var pledge = await context.Service<MarketWriter>().ExecuteAsync(new CreatePledge(request, PledgeParty.Loan), Principal.Bank(bank), "approve:" + application.Id,
                p => TradingJson.Serialize(Views.Pledge(p)), context.TraceIdentifier, context.RequestAborted);
            pledgeId = pledge.ResourceId;
        }
        WriteOutcome<LoanApplication> outcome;
        try
        {
            outcome = await writer.ExecuteAsync(new DecideApplication(bank, number, terms, borrower.Region, pledgeId, null), caller, null,
                a => TradingJson.Serialize(Views.Application(a)), context.TraceIdentifier, context.RequestAborted);
        }
        catch (DomainException) when (pledgeId is not null && Pledge.TryParseId(pledgeId, out var pm, out var pn))
        {
            // No loan (declined meanwhile): the rights pledged for it are released again.
            await context.Service<MarketWriter>().ExecuteAsync(new EndPledge(pm, pn, PledgeStatus.Released), Principal.Bank(bank), null,
                p => TradingJson.Serialize(Views.Pledge(p)), context.TraceIdentifier, context.RequestAborted);
            throw;
        }
        if (pledgeId is not null) await Refresh.FirmAsync(context, application.Applicant);
        return Json.Text(outcome.Body, 200);
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
        var outcome = await context.Service<BankWriter>().ExecuteAsync(new DecideApplication(bank, number, null, null, null, reason), caller, null,
            a => TradingJson.Serialize(Views.Application(a)), context.TraceIdentifier, context.RequestAborted);
        return Json.Text(outcome.Body, 200);
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
        return Json.Result(new Page<ApplicationView>(list.Where(a => status is null || a.Status == status).Select(Views.Application).ToList(), null));
    }

    private static async Task<IResult> FirmApplicationsAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Official, Role.Enterprise);
        var firm = await EnterprisesApi.FindVisibleAsync(context, caller, context.Request.RouteValues["creditCode"] as string);
        var errors = new FieldErrors();
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        errors.ThrowIfAny();
        var writer = context.Service<BankWriter>();
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.Applications, "holder:" + firm.CreditCode.Value, RegionPrefix.All, pageSize,
            context.Query("continuationToken"), async id => LoanApplication.TryParseId(id, out var bank, out var n)
                ? await writer.GetApplicationAsync(bank, n, context.RequestAborted) is { } a && a.Applicant == firm.CreditCode ? a : null
                : null, context.RequestAborted);
        return Json.Result(Views.Page(page, Views.Application));
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

    private static async Task<IResult> RepayAsync(HttpContext context)
    {
        var caller = await context.CallerAsync(Role.Admin, Role.Bank);
        await Json.ReadOptionalBodyAsync<Json.NoFields>(context);
        var (bank, number) = BankRouteId(context, "loan", Loan.TryParseId);
        var outcome = await context.Service<BankWriter>().ExecuteAsync(new RepayLoan(bank, number), caller, null, l => TradingJson.Serialize(Views.Loan(l)),
            context.TraceIdentifier, context.RequestAborted);
        return Json.Text(outcome.Body, 200);
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
        var writer = context.Service<BankWriter>();
        var page = await context.Service<OfferIndex>().ListAsync(OfferIndex.Loans, party, region, pageSize, context.Query("continuationToken"),
            async id => Loan.TryParseId(id, out var bk, out var n) && await writer.GetLoanAsync(bk, n, context.RequestAborted) is { } l && LoanAccess.MaySee(caller, l)
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

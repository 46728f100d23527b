using Microsoft.Azure.Functions.Worker;

namespace Trading.Functions.Hosting;

/// <summary>
/// The app's functions as the isolated worker declares them: one <c>[Function]</c> per entry of <see cref="FunctionCatalog"/>,
/// on the catalog's route and method or schedule, each delegating to the catalog's handler. The Worker.Sdk reads these
/// attributes at build time (they must be constants) and writes <c>functions.metadata</c>; a test holds that file, the
/// standalone routes and the OpenAPI document equal to the catalog, so a change to one side alone fails the build's tests.
/// The function's answer and any exception it throws go through <see cref="WorkerPipelineMiddleware"/>, which runs the
/// same pipeline as the standalone server.
/// </summary>
public sealed class WorkerFunctions
{
    private static Task<IResult> Http(string name, HttpRequest request) => FunctionCatalog.Http(name).Handler(request.HttpContext);

    private static Task Timer(string name, FunctionContext context) =>
        context.InstanceServices.GetRequiredService<TimerRunner>().RunAsync(FunctionCatalog.Timer(name), context.CancellationToken);

    [Function("Health")]
    public Task<IResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) => Http("Health", request);

    [Function("IssueKey")]
    public Task<IResult> IssueKey([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "keys")] HttpRequest request) => Http("IssueKey", request);

    [Function("ListKeys")]
    public Task<IResult> ListKeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "keys")] HttpRequest request) => Http("ListKeys", request);

    [Function("RevokeKey")]
    public Task<IResult> RevokeKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "keys/{id}")] HttpRequest request) => Http("RevokeKey", request);

    [Function("WhoAmI")]
    public Task<IResult> WhoAmI([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "whoami")] HttpRequest request) => Http("WhoAmI", request);

    [Function("PutEnterprise")]
    public Task<IResult> PutEnterprise([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "enterprises/{creditCode}")] HttpRequest request) => Http("PutEnterprise", request);

    [Function("GetEnterprise")]
    public Task<IResult> GetEnterprise([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enterprises/{creditCode}")] HttpRequest request) => Http("GetEnterprise", request);

    [Function("ListEnterprises")]
    public Task<IResult> ListEnterprises([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enterprises")] HttpRequest request) => Http("ListEnterprises", request);

    [Function("Allocate")]
    public Task<IResult> Allocate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "allocations")] HttpRequest request) => Http("Allocate", request);

    [Function("GetAllocation")]
    public Task<IResult> GetAllocation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "allocations/{id}")] HttpRequest request) => Http("GetAllocation", request);

    [Function("RevokeAllocation")]
    public Task<IResult> RevokeAllocation([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "allocations/{id}/revoke")] HttpRequest request) => Http("RevokeAllocation", request);

    [Function("GetHoldings")]
    public Task<IResult> GetHoldings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enterprises/{creditCode}/holdings")] HttpRequest request) => Http("GetHoldings", request);

    [Function("SubmitTrade")]
    public Task<IResult> SubmitTrade([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "trades")] HttpRequest request) => Http("SubmitTrade", request);

    [Function("GetTrade")]
    public Task<IResult> GetTrade([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trades/{id}")] HttpRequest request) => Http("GetTrade", request);

    [Function("ListTrades")]
    public Task<IResult> ListTrades([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trades")] HttpRequest request) => Http("ListTrades", request);

    [Function("ProposeTrade")]
    public Task<IResult> ProposeTrade([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "trade-proposals")] HttpRequest request) => Http("ProposeTrade", request);

    [Function("GetTradeProposal")]
    public Task<IResult> GetTradeProposal([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trade-proposals/{id}")] HttpRequest request) => Http("GetTradeProposal", request);

    [Function("ListTradeProposals")]
    public Task<IResult> ListTradeProposals([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trade-proposals")] HttpRequest request) => Http("ListTradeProposals", request);

    [Function("ConfirmTradeProposal")]
    public Task<IResult> ConfirmTradeProposal([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "trade-proposals/{id}/confirm")] HttpRequest request) => Http("ConfirmTradeProposal", request);

    [Function("RejectTradeProposal")]
    public Task<IResult> RejectTradeProposal([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "trade-proposals/{id}/reject")] HttpRequest request) => Http("RejectTradeProposal", request);

    [Function("CancelTradeProposal")]
    public Task<IResult> CancelTradeProposal([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "trade-proposals/{id}/cancel")] HttpRequest request) => Http("CancelTradeProposal", request);

    [Function("ListMarkets")]
    public Task<IResult> ListMarkets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "markets")] HttpRequest request) => Http("ListMarkets", request);

    [Function("MarketPrices")]
    public Task<IResult> MarketPrices([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "markets/{market}/prices")] HttpRequest request) => Http("MarketPrices", request);

    [Function("VerifyMarket")]
    public Task<IResult> VerifyMarket([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "markets/{market}/verify")] HttpRequest request) => Http("VerifyMarket", request);

    [Function("PostListing")]
    public Task<IResult> PostListing([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "listings")] HttpRequest request) => Http("PostListing", request);

    [Function("ListListings")]
    public Task<IResult> ListListings([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "listings")] HttpRequest request) => Http("ListListings", request);

    [Function("GetListing")]
    public Task<IResult> GetListing([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "listings/{id}")] HttpRequest request) => Http("GetListing", request);

    [Function("TakeListing")]
    public Task<IResult> TakeListing([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "listings/{id}/take")] HttpRequest request) => Http("TakeListing", request);

    [Function("WithdrawListing")]
    public Task<IResult> WithdrawListing([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "listings/{id}/withdraw")] HttpRequest request) => Http("WithdrawListing", request);

    [Function("CreateAuction")]
    public Task<IResult> CreateAuction([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auctions")] HttpRequest request) => Http("CreateAuction", request);

    [Function("ListAuctions")]
    public Task<IResult> ListAuctions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auctions")] HttpRequest request) => Http("ListAuctions", request);

    [Function("GetAuction")]
    public Task<IResult> GetAuction([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auctions/{id}")] HttpRequest request) => Http("GetAuction", request);

    [Function("PlaceBid")]
    public Task<IResult> PlaceBid([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auctions/{id}/bids")] HttpRequest request) => Http("PlaceBid", request);

    [Function("GetMyBid")]
    public Task<IResult> GetMyBid([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auctions/{id}/bids/mine")] HttpRequest request) => Http("GetMyBid", request);

    [Function("MonthlyAggregates")]
    public Task<IResult> MonthlyAggregates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "aggregates/monthly")] HttpRequest request) => Http("MonthlyAggregates", request);

    [Function("PeriodAggregates")]
    public Task<IResult> PeriodAggregates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "aggregates/period")] HttpRequest request) => Http("PeriodAggregates", request);

    [Function("LoanAggregates")]
    public Task<IResult> LoanAggregates([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "aggregates/loans")] HttpRequest request) => Http("LoanAggregates", request);

    [Function("GetReport")]
    public Task<IResult> GetReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/{month}")] HttpRequest request) => Http("GetReport", request);

    [Function("Dashboard")]
    public Task<IResult> Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest request) => Http("Dashboard", request);

    [Function("PublicTrades")]
    public Task<IResult> PublicTrades([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "public/trades")] HttpRequest request) => Http("PublicTrades", request);

    [Function("PublicAuctions")]
    public Task<IResult> PublicAuctions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "public/auctions")] HttpRequest request) => Http("PublicAuctions", request);

    [Function("PublicPage")]
    public Task<IResult> PublicPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "public")] HttpRequest request) => Http("PublicPage", request);

    [Function("PutProduct")]
    public Task<IResult> PutProduct([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "banks/{bankId}/products/{productId}")] HttpRequest request) => Http("PutProduct", request);

    [Function("GetProduct")]
    public Task<IResult> GetProduct([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "banks/{bankId}/products/{productId}")] HttpRequest request) => Http("GetProduct", request);

    [Function("ListProducts")]
    public Task<IResult> ListProducts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "banks/{bankId}/products")] HttpRequest request) => Http("ListProducts", request);

    [Function("EligibleFirms")]
    public Task<IResult> EligibleFirms([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "banks/{bankId}/products/{productId}/eligible")] HttpRequest request) => Http("EligibleFirms", request);

    [Function("ExplainEligibility")]
    public Task<IResult> ExplainEligibility([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "banks/{bankId}/products/{productId}/eligibility/{creditCode}")] HttpRequest request) => Http("ExplainEligibility", request);

    [Function("EligibleProducts")]
    public Task<IResult> EligibleProducts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enterprises/{creditCode}/eligible-products")] HttpRequest request) => Http("EligibleProducts", request);

    [Function("Pledge")]
    public Task<IResult> Pledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pledges")] HttpRequest request) => Http("Pledge", request);

    [Function("GetPledge")]
    public Task<IResult> GetPledge([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pledges/{id}")] HttpRequest request) => Http("GetPledge", request);

    [Function("ListPledges")]
    public Task<IResult> ListPledges([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pledges")] HttpRequest request) => Http("ListPledges", request);

    [Function("AcceptPledge")]
    public Task<IResult> AcceptPledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pledges/{id}/accept")] HttpRequest request) => Http("AcceptPledge", request);

    [Function("RejectPledge")]
    public Task<IResult> RejectPledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pledges/{id}/reject")] HttpRequest request) => Http("RejectPledge", request);

    [Function("CancelPledge")]
    public Task<IResult> CancelPledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pledges/{id}/cancel")] HttpRequest request) => Http("CancelPledge", request);

    [Function("ReleasePledge")]
    public Task<IResult> ReleasePledge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "pledges/{id}/release")] HttpRequest request) => Http("ReleasePledge", request);

    [Function("ApplyForLoan")]
    public Task<IResult> ApplyForLoan([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "loan-applications")] HttpRequest request) => Http("ApplyForLoan", request);

    [Function("ApproveApplication")]
    public Task<IResult> ApproveApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "loan-applications/{id}/approve")] HttpRequest request) => Http("ApproveApplication", request);

    [Function("DeclineApplication")]
    public Task<IResult> DeclineApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "loan-applications/{id}/decline")] HttpRequest request) => Http("DeclineApplication", request);

    [Function("WithdrawApplication")]
    public Task<IResult> WithdrawApplication([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "loan-applications/{id}/withdraw")] HttpRequest request) => Http("WithdrawApplication", request);

    [Function("BankApplications")]
    public Task<IResult> BankApplications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "banks/{bankId}/loan-applications")] HttpRequest request) => Http("BankApplications", request);

    [Function("FirmApplications")]
    public Task<IResult> FirmApplications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enterprises/{creditCode}/loan-applications")] HttpRequest request) => Http("FirmApplications", request);

    [Function("RecordLoan")]
    public Task<IResult> RecordLoan([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "loans")] HttpRequest request) => Http("RecordLoan", request);

    [Function("ListInbox")]
    public Task<IResult> ListInbox([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "inbox")] HttpRequest request) => Http("ListInbox", request);

    [Function("GetLoan")]
    public Task<IResult> GetLoan([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "loans/{id}")] HttpRequest request) => Http("GetLoan", request);

    [Function("RepayLoan")]
    public Task<IResult> RepayLoan([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "loans/{id}/repay")] HttpRequest request) => Http("RepayLoan", request);

    [Function("ListLoans")]
    public Task<IResult> ListLoans([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "loans")] HttpRequest request) => Http("ListLoans", request);

    [Function("ImportEnterprises")]
    public Task<IResult> ImportEnterprises([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "imports/enterprises")] HttpRequest request) => Http("ImportEnterprises", request);

    [Function("GetImport")]
    public Task<IResult> GetImport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "imports/{id}")] HttpRequest request) => Http("GetImport", request);

    [Function("OpenApi")]
    public Task<IResult> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) => Http("OpenApi", request);

    [Function("ExpireProposals")]
    public Task ExpireProposals([TimerTrigger("0 */5 * * * *")] TimerInfo timer, FunctionContext context) => Timer("ExpireProposals", context);

    [Function("CopyAudit")]
    public Task CopyAudit([TimerTrigger("0 * * * * *")] TimerInfo timer, FunctionContext context) => Timer("CopyAudit", context);

    [Function("CopyEvents")]
    public Task CopyEvents([TimerTrigger("0 * * * * *")] TimerInfo timer, FunctionContext context) => Timer("CopyEvents", context);

    [Function("CloseAuctions")]
    public Task CloseAuctions([TimerTrigger("0 * * * * *")] TimerInfo timer, FunctionContext context) => Timer("CloseAuctions", context);

    [Function("CopyRollups")]
    public Task CopyRollups([TimerTrigger("30 * * * * *")] TimerInfo timer, FunctionContext context) => Timer("CopyRollups", context);

    [Function("CloseMonth")]
    public Task CloseMonth([TimerTrigger("0 30 16 * * *")] TimerInfo timer, FunctionContext context) => Timer("CloseMonth", context);

    [Function("RefreshMatches")]
    public Task RefreshMatches([TimerTrigger("0 0 * * * *")] TimerInfo timer, FunctionContext context) => Timer("RefreshMatches", context);

    [Function("CountLoans")]
    public Task CountLoans([TimerTrigger("0 * * * * *")] TimerInfo timer, FunctionContext context) => Timer("CountLoans", context);

    [Function("PutEmergencyPlan")]
    public Task<IResult> PutEmergencyPlan([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "enterprises/{creditCode}/emergency-plan")] HttpRequest request) => Http("PutEmergencyPlan", request);

    [Function("GetEmergencyPlan")]
    public Task<IResult> GetEmergencyPlan([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enterprises/{creditCode}/emergency-plan")] HttpRequest request) => Http("GetEmergencyPlan", request);

    [Function("PutEmergencyRules")]
    public Task<IResult> PutEmergencyRules([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "emergency-rules/{regionPrefix}")] HttpRequest request) => Http("PutEmergencyRules", request);

    [Function("GetEmergencyRules")]
    public Task<IResult> GetEmergencyRules([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "emergency-rules/{regionPrefix}")] HttpRequest request) => Http("GetEmergencyRules", request);

    [Function("DeclareAlert")]
    public Task<IResult> DeclareAlert([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts")] HttpRequest request) => Http("DeclareAlert", request);

    [Function("ListAlerts")]
    public Task<IResult> ListAlerts([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts")] HttpRequest request) => Http("ListAlerts", request);

    [Function("GetAlert")]
    public Task<IResult> GetAlert([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/{id}")] HttpRequest request) => Http("GetAlert", request);

    [Function("LiftAlert")]
    public Task<IResult> LiftAlert([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/{id}/lift")] HttpRequest request) => Http("LiftAlert", request);

    [Function("AlertMeasures")]
    public Task<IResult> AlertMeasures([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/{id}/measures")] HttpRequest request) => Http("AlertMeasures", request);

    [Function("AlertSummary")]
    public Task<IResult> AlertSummary([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "alerts/{id}/summary")] HttpRequest request) => Http("AlertSummary", request);

    [Function("EnterpriseMeasures")]
    public Task<IResult> EnterpriseMeasures([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enterprises/{creditCode}/measures")] HttpRequest request) => Http("EnterpriseMeasures", request);

    [Function("NotifyAlerts")]
    public Task NotifyAlerts([TimerTrigger("15 * * * * *")] TimerInfo timer, FunctionContext context) => Timer("NotifyAlerts", context);
}

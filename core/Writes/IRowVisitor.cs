using Trading.Core.Enterprises;
using Trading.Core.Finance;
using Trading.Core.Keys;
using Trading.Core.Ledger;
using Trading.Core.Loans;
using Trading.Core.Market;
using Trading.Core.Registers;

namespace Trading.Core.Writes;

/// <summary>
/// Every kind of row a use case can write, one case each. A storage adapter implements all of them (a row that is not of
/// its book is refused explicitly there), so adding a kind of row without mapping it fails to compile.
/// </summary>
public interface IRowVisitor<out TResult>
{
    // Every book
    TResult Visit(IdempotencyRecord row);
    TResult Visit(AuditRecord row);
    TResult Visit(EventRecord row);

    // Markets (the ledger)
    TResult Visit(MarketHead row);
    TResult Visit(Holding row);
    TResult Visit(MonthCounter row);
    TResult Visit(DayCounter row);
    TResult Visit(Trade row);
    TResult Visit(TradeProposal row);
    TResult Visit(Pledge row);
    TResult Visit(Allocation row);
    TResult Visit(Listing row);
    TResult Visit(Auction row);
    TResult Visit(Bid row);

    // Banks' books
    TResult Visit(BankHead row);
    TResult Visit(LoanApplication row);
    TResult Visit(Loan row);

    // Registers: keys, enterprises, banks' products, import jobs
    TResult Visit(RegisterHead row);
    TResult Visit(ApiKey row);
    TResult Visit(RegisteredEnterprise row);
    TResult Visit(LoanProduct row);
    TResult Visit(ImportJobStarted row);

    // Heavy-pollution alerts: alerts, firms' emergency plans, industry rules
    TResult Visit(Alerts.Alert row);
    TResult Visit(Alerts.EmergencyPlan row);
    TResult Visit(Alerts.IndustryRuleSet row);
}

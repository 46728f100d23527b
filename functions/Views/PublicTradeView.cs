using Trading.Functions.Hosting;

namespace Trading.Functions;

/// <summary>
/// A concluded trade as the public disclosure (成交公示) shows it: the deal and the parties' names; never a credit code,
/// the contract reference, who recorded it or the chain hashes. <see cref="Seller"/> is a <see cref="PublicPartyView"/>,
/// or the string <c>"reserve"</c> for a sale from the government reserve.
/// </summary>
public sealed record PublicTradeView(
    string Id, string Region, string Pollutant, string Method, decimal Quantity, decimal UnitPrice, int TermYears, decimal Amount,
    [property: SchemaFormat("date-time")] string TradedAt, object Seller, PublicPartyView Buyer, bool OutsideBand);

namespace Trading.Core.Ledger;

public enum TradeMethod
{
    Agreement,
    Listing,
    Auction,
    ReserveSale,
}

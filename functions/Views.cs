using System.Globalization;
using Trading.Core.Enterprises;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Functions;

/// <summary>Wire shapes of the API (camelCase through the shared Newtonsoft settings). Money as yuan with 2 decimals, quantities in t/a.</summary>
public static class Views
{
    public static object Enterprise(Enterprise e) => new
    {
        creditCode = e.CreditCode.Value,
        name = e.Name,
        region = e.Region.Value,
        industry = e.Industry.ToString(),
        grade = e.Grade.ToString(),
        gradeValidUntil = e.GradeValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        positiveList = e.PositiveList,
        creditRating = e.CreditRating.ToString(),
        updatedAt = Timestamps.Format(e.UpdatedAt),
    };

    public static object Trade(Trade t)
    {
        var r = t.Request;
        return new
        {
            id = t.Id.ToString(),
            region = r.Market.Region.Value,
            pollutant = r.Market.Pollutant.ToString(),
            seller = r.Seller.Value,
            buyer = r.Buyer.Value,
            quantity = r.Quantity.Tonnes,
            unitPrice = r.UnitPrice.Yuan,
            termYears = r.TermYears,
            method = r.Method.ToString(),
            tradedAt = Timestamps.Format(r.TradedAt),
            amount = r.Amount.Yuan,
            reference = r.Reference,
            month = r.Month.ToString(),
            sequence = t.Sequence,
            recordedAt = Timestamps.Format(t.RecordedAt),
            recordedBy = t.RecordedBy,
            hash = t.Hash,
            previousHash = t.PreviousHash,
        };
    }

    public static object Allocation(Allocation a) => new
    {
        id = a.Id,
        holder = a.Request.Holder.Value,
        region = a.Request.Market.Region.Value,
        pollutant = a.Request.Market.Pollutant.ToString(),
        quantity = a.Request.Quantity.Tonnes,
        reference = a.Request.Reference,
        recordedAt = Timestamps.Format(a.RecordedAt),
        recordedBy = a.RecordedBy,
    };

    public static object Holding(MarketHolding h) => new
    {
        region = h.Market.Region.Value,
        pollutant = h.Market.Pollutant.ToString(),
        held = h.Holding.Held.Tonnes,
        pledged = h.Holding.Pledged.Tonnes,
        frozen = h.Holding.Frozen.Tonnes,
        available = h.Holding.Available.Tonnes,
    };

    public static object Page<T>(ListPage<T> page, Func<T, object> view) => new
    {
        items = page.Items.Select(view).ToList(),
        continuationToken = page.ContinuationToken,
    };
}

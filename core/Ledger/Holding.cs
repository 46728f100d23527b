using Trading.Core.Primitives;
using Trading.Core.Writes;

namespace Trading.Core.Ledger;

/// <summary>
/// A holder's rights in one market. Invariant: held ≥ pledged + frozen ≥ 0, so available ≥ 0. <see cref="Pledged"/> is
/// the sum of the holding's active pledges (to one bank or several); <see cref="Frozen"/> what its open offers hold back.
/// </summary>
public sealed record Holding(Holder Holder, Quantity Held, Quantity Pledged, Quantity Frozen) : IRow
{
    public TResult Accept<TResult>(IRowVisitor<TResult> visitor) => visitor.Visit(this);

    public static Holding Empty(Holder holder) => new(holder, Quantity.Zero, Quantity.Zero, Quantity.Zero);

    /// <summary>What the holder may sell, offer or pledge: held − pledged − frozen.</summary>
    public Quantity Available => Held.Subtract(Pledged).Subtract(Frozen);

    /// <summary>Freezes <paramref name="quantity"/> for an open offer; 409 with <c>available</c> when it is not available.</summary>
    public Holding Freeze(MarketId market, Quantity quantity, string verb = "offer")
    {
        if (Available < quantity) throw Oversell.Exception(Holder, market, Available, quantity, verb);
        return this with { Frozen = Frozen.Add(quantity) };
    }

    public Holding Unfreeze(Quantity quantity) => this with { Frozen = Frozen.Subtract(quantity) };

    /// <summary>Pledges <paramref name="quantity"/>; 409 with <c>available</c> when it is not available.</summary>
    public Holding Pledge(MarketId market, Quantity quantity)
    {
        if (Available < quantity) throw Oversell.Exception(Holder, market, Available, quantity, "pledge");
        return this with { Pledged = Pledged.Add(quantity) };
    }

    public Holding Unpledge(Quantity quantity) => this with { Pledged = Pledged.Subtract(quantity) };
}

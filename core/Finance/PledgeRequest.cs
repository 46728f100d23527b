using Trading.Core.Access;
using Trading.Core.Ledger;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>A validated pledge of part of a holding to a bank. <see cref="ExpiresAt"/>: of a request, as given (null: 7 days).</summary>
public sealed record PledgeRequest(BankId Bank, MarketId Market, Holder Holder, Quantity Quantity, Money LoanAmount, string? Reference,
    DateTimeOffset? ExpiresAt = null)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    public string Fingerprint() => Hashing.Sha256Hex(string.Join('\n', "pledge", Bank.Value, Market.Key, Holder.Value, Quantity.Grams,
        LoanAmount.Fen, Reference ?? "", ExpiresAt?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
}

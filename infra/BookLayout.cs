using System.Globalization;

namespace Trading.Infra;

/// <summary>
/// The row keys every book's partitions share (head, audit records, events, the copiers' cursors, idempotency records). The ledger
/// and banks' books use plain names; the registers (keys, enterprises, products, imports) put <c>~</c> before them, so
/// they sort after every item's row key (hex hashes, credit codes, product ids, <c>job</c>/<c>err:</c>) and a list of
/// items is the range below <see cref="RegisterItemsEnd"/>.
/// </summary>
public sealed record BookLayout(string Head, string AuditPrefix, string AuditCursor, string IdempotencyPrefix, string EventPrefix, string EventCursor)
{
    public static BookLayout Plain { get; } = new("head", "audit:", "auditcursor", "idem:", "event:", "eventcursor");

    public static BookLayout Register { get; } = new("~head", "~audit:", "~auditcursor", "~idem:", "~event:", "~eventcursor");

    /// <summary>Every item row of a register sorts below this; the head, audit, cursor and idempotency rows do not.</summary>
    public const string RegisterItemsEnd = "~";

    public static BookLayout Of(string book) => book is Books.Ledger or Books.Loans ? Plain : Register;

    public string Audit(long number) => AuditPrefix + number.ToString("D12", CultureInfo.InvariantCulture);

    public string Event(long number) => EventPrefix + number.ToString("D12", CultureInfo.InvariantCulture);

    public string Idempotency(string callerKeyHash) => IdempotencyPrefix + callerKeyHash;
}

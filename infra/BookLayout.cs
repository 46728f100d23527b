using System.Globalization;

namespace Trading.Infra;

/// <summary>
/// The row keys every book's partitions share (head, audit records, events, the copiers' cursors, idempotency records). The ledger
/// and banks' books use plain names; the registers (keys, enterprises, products, imports) put <c>~</c> before them, so
/// they sort after every item's row key (hex hashes, credit codes, product ids, <c>job</c>/<c>err:</c>) and a list of
/// items is the range below <see cref="RegisterItemsEnd"/>. A register's head, audit and cursor rows also name their
/// partition (<c>~head:{partition}</c>, <c>~audit:{partition}:{n}</c>): the enterprises book has a partition per firm, and
/// Azurite finds a row by its row key first, so a row key that 50,000 firms shared made each read and insert of it a scan
/// of all of them (quadratic in an import's size). Azure finds a row by both keys alike.
/// </summary>
public sealed class BookLayout
{
    private readonly string _prefix;
    private readonly bool _namesPartition;

    private BookLayout(string prefix, bool namesPartition)
    {
        _prefix = prefix;
        _namesPartition = namesPartition;
    }

    public static BookLayout Plain { get; } = new("", namesPartition: false);

    public static BookLayout Register { get; } = new("~", namesPartition: true);

    /// <summary>Every item row of a register sorts below this; the head, audit, cursor and idempotency rows do not.</summary>
    public const string RegisterItemsEnd = "~";

    public static BookLayout Of(string book) => book is Books.Ledger or Books.Loans ? Plain : Register;

    public string Head(string partition) => _namesPartition ? _prefix + "head:" + partition : "head";

    public string Audit(string partition, long number) => AuditPrefix(partition) + number.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>The row keys of a partition's audit records start with this.</summary>
    public string AuditPrefix(string partition) => _namesPartition ? _prefix + "audit:" + partition + ":" : "audit:";

    public string AuditCursor(string partition) => _namesPartition ? _prefix + "auditcursor:" + partition : "auditcursor";

    public string Idempotency(string callerKeyHash) => _prefix + "idem:" + callerKeyHash;

    public string Event(string partition, long number) => EventPrefix(partition) + number.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>The row keys of a partition's event records start with this.</summary>
    public string EventPrefix(string partition) => _namesPartition ? _prefix + "event:" + partition + ":" : "event:";

    public string EventCursor(string partition) => _namesPartition ? _prefix + "eventcursor:" + partition : "eventcursor";
}

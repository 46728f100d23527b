using Trading.Core.Ledger;

namespace Trading.Core.Writes;

/// <summary>What every snapshot of a partition carries for the shell: its head (with version) and the caller's idempotency row.</summary>
public interface ISnapshot
{
    /// <summary>The partition's head as read (an empty head when the partition has none yet).</summary>
    IHead CurrentHead { get; }

    /// <summary>The head's version; null when the partition has no head yet.</summary>
    string? HeadVersion { get; }

    /// <summary>The caller's idempotency row in this partition, when the use case runs under a key and one exists (a fence included).</summary>
    IdempotencyRecord? Idempotency { get; }

    /// <summary>The version of <see cref="Idempotency"/> (to replace a fence under If-Match).</summary>
    string? IdempotencyVersion { get; }
}

namespace Trading.Infra;

/// <summary>Where state lives: one storage account (Azurite locally), table and container names under an optional prefix.</summary>
public sealed class StorageOptions
{
    /// <summary>Connection string; <c>UseDevelopmentStorage=true</c> is Azurite on its default ports.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Prefix of every table and container name (letters and digits), so that test runs never share rows.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>How long one storage call may take before it counts as unavailable.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an outbox copier's claim on a range (audit records, events) is left to it before another copier takes it over
    /// as abandoned (<c>Trading:OutboxClaimLease</c>). Longer than one range's copy takes; a copier that died holds its range
    /// back this long.
    /// </summary>
    public TimeSpan OutboxClaimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The HTTP handler under the storage clients (null: the SDK's own); tests put faults there.</summary>
    public HttpMessageHandler? Handler { get; set; }
}

using Azure;
using Trading.Infra;

namespace Trading.Tests;

/// <summary>After-commit work tells a storage failure (logged; the timers catch up) from a bug (which must surface).</summary>
public class StorageFaultTests
{
    [Fact]
    public void The_sdks_aggregate_after_its_retries_is_a_storage_fault()
    {
        var retried = new AggregateException("Retry failed after 4 tries.", new HttpRequestException("reset"), new RequestFailedException(503, "busy"));
        Assert.True(StorageFault.Is(retried));
        Assert.True(StorageFault.Is(new RequestFailedException(500, "internal")));
        Assert.True(StorageFault.Is(new TaskCanceledException()));
    }

    [Fact]
    public void A_bug_is_not_a_storage_fault_even_inside_an_aggregate()
    {
        Assert.False(StorageFault.Is(new InvalidOperationException()));
        Assert.False(StorageFault.Is(new AggregateException(new HttpRequestException("reset"), new NullReferenceException())));
        Assert.False(StorageFault.Is(new AggregateException()));
    }
}

namespace Trading.Functions.Hosting;

/// <summary>Timers start once the demo data set is in (so the past-due CloseMonth closes the demo's months); open at once without it.</summary>
public sealed class DemoGate(bool open)
{
    private readonly TaskCompletionSource _done = open ? Completed() : new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Done => _done.Task;

    public void Open() => _done.TrySetResult();

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }
}

using Trading.Functions.Hosting;
using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>A server whose storage holds the demo data set, loaded the way ./run.sh loads it.</summary>
public sealed class DemoFixture : ApiFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var logger = Server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DemoData");
        Assert.True(await DemoData.SeedIfEmptyAsync(Server.Services, logger, CancellationToken.None));
    }
}

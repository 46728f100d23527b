using Trading.Tests.Support;

namespace Trading.Tests;

/// <summary>A seller with 10 t of SO2 in 131000, a registered buyer and a reserve, shared by the error and bad-input cases.</summary>
public sealed class ErrorFixture : ApiFixture
{
    public string Seller { get; private set; } = "";
    public string Buyer { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Seller = (await RegisterEnterpriseAsync("131000")).Value;
        Buyer = (await RegisterEnterpriseAsync("131000")).Value;
        await AllocateAsync(Seller, 10m);
    }
}

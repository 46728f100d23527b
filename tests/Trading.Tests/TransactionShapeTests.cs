using Azure.Data.Tables;

namespace Trading.Tests;

public sealed class TransactionShapeTests
{
    [Fact]
    public void A_transaction_across_two_markets_is_refused_before_it_reaches_storage()
    {
        TableTransactionAction Add(string pk) => new(TableTransactionActionType.Add, new TableEntity(pk, "x"));
        Trading.Infra.LedgerRows.RequireOnePartition([Add("131000-SO2"), Add("131000-SO2")]);
        Assert.Throws<InvalidOperationException>(() => Trading.Infra.LedgerRows.RequireOnePartition([Add("131000-SO2"), Add("131000-NOx")]));
        Assert.Throws<InvalidOperationException>(() => Trading.Infra.LedgerRows.RequireOnePartition(Enumerable.Range(0, 101).Select(_ => Add("m")).ToList()));
    }
}

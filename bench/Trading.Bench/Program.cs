using Trading.Bench;

// dotnet run -c Release --project bench/Trading.Bench -- aggregates [sizes...]
return args switch
{
    ["aggregates", .. var rest] => await AggregatesBench.RunAsync(rest),
    ["regions", .. var rest] => await RegionsBench.RunAsync(rest),
    ["matching", .. var rest] => MatchingBench.Run(rest),
    ["refresh", .. var rest] => await RefreshBench.RunAsync(rest),
    ["ledger", .. var rest] => await LedgerBench.RunAsync(rest),
    ["market", .. var rest] => await MarketBench.RunAsync(rest),
    ["idle-timers", .. var rest] => await IdleTimersBench.RunAsync(rest),
    ["alerts", .. var rest] => await AlertsBench.RunAsync(rest),
    ["requests", .. var rest] => await RequestsBench.RunAsync(rest),
    ["closemonth", .. var rest] => await CloseMonthBench.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Trading.Bench aggregates [1000 50000] | regions [markets] | matching [enterprises products [naive-enterprises]] | refresh [enterprises products edits holders] | ledger [count] | market [takes winners] | idle-timers [markets] | alerts [firms rounds] | requests [trades] | closemonth [markets months budget-seconds rounds]");
    return 2;
}

using System.CommandLine;
using Safeguard.Cli.Bench;

namespace Safeguard.Cli.Commands.Payments;

/// <summary><c>safeguard payments bench-service</c>: transactions per second through POST /v1/payments/transactions.</summary>
public static class PaymentsBenchServiceCommand
{
    public static Command Create()
    {
        var transactions = new Option<long>("--transactions") { Description = "About how many transactions to generate and post", DefaultValueFactory = _ => 1_000_000 };
        var batch = new Option<int>("--batch") { Description = "Rows per request", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Generator seed", DefaultValueFactory = _ => 1 };
        var url = new Option<string?>("--url") { Description = "A running server (default: one started in this process with a throwaway database)" };
        var key = new Option<string?>("--key") { Description = "A matcher key for --url" };
        var command = new Command("bench-service", "Post a generated feed to the service in batches and print transactions per second")
        {
            transactions, batch, seed, url, key,
        };
        command.SetAction(parse =>
        {
            long n = parse.GetValue(transactions);
            int b = parse.GetValue(batch);
            if (n < 1000) throw new UsageException("--transactions must be at least 1000");
            if (b < 1) throw new UsageException("--batch must be at least 1");
            if (parse.GetValue(url) is not null && parse.GetValue(key) is null) throw new UsageException("--url needs --key (a matcher key)");
            var r = PaymentsServiceBench.RunAsync(n, b, parse.GetValue(seed), parse.GetValue(url), parse.GetValue(key), Console.Error).GetAwaiter().GetResult();
            Console.WriteLine($"{r.Rows:N0} transactions in {r.Batches} batches: {r.Seconds:F2} s, {r.RowsPerSecond:N0} transactions/s; " +
                $"{r.SubjectsReported} subject changes reported, {r.ReviewItems} review items, {r.FailedRows} rows failed");
            return r.FailedRows > 0 ? ExitCodes.SomeFailed : ExitCodes.Ok;
        });
        return command;
    }
}

using System.CommandLine;
using Safeguard.Cli.Output;
using Safeguard.Exchanges;
using Safeguard.Server.Exchanges;
using static Safeguard.Cli.Commands.ExchangeCommandSupport;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard exchange fetch NAME|--all`: one fetch now, progress on standard error, the result on standard output.</summary>
internal static class ExchangeFetchCommand
{
    public static Command Create(Argument<string> exchangeName)
    {
        var name = new Argument<string?>(exchangeName.Name) { Description = exchangeName.Description, Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Fetch every enabled exchange, one after the other" };
        var json = new Option<bool>("--json") { Description = "Print each result as a JSON line" };
        var allow = new Option<string[]>("--fetch-allow") { Description = "IP or CIDR that exchange HTTP may reach although private/loopback (repeatable)", AllowMultipleArgumentsPerToken = true };
        var cmd = new Command("fetch", "Fetch an exchange now (as the scheduler would) and print what changed; exit 1 when a fetch fails.") { name, all, json, allow };
        cmd.SetAction(parse => Run(parse, async (_, store) =>
        {
            var one = parse.GetValue(name);
            if ((one is null) == !parse.GetValue(all)) throw new UsageException("give an exchange name or --all (not both)");
            List<string> names;
            if (one is not null)
            {
                if (await store.GetAsync(one) is null) throw new UsageException($"exchange '{one}' not found");
                names = [one];
            }
            else names = (await store.ListAsync()).Where(x => x.Enabled).Select(x => x.Name).Order(StringComparer.Ordinal).ToList();
            if (names.Count == 0) { Console.WriteLine("no enabled exchanges"); return ExitCodes.Ok; }
            var context = ExchangeBackend.Context(parse.GetValue(allow) ?? [], []);
            var fetcher = new ExchangeFetcher(store, context);
            int failed = 0;
            foreach (var n in names)
            {
                var info = await store.GetAsync(n);
                var result = await ProgressReporter.RunAsync(parse, $"exchange fetch {n}", "pages", null,
                    progress => fetcher.FetchAsync(n, new Reporter(progress)), dataOnStdout: false);
                var view = ExchangeViews.ResultOf(result, info);
                if (!result.Succeeded) failed++;
                if (parse.GetValue(json)) ExchangeCommand.PrintJson(view);
                else if (result.Succeeded)
                    Console.WriteLine($"{n}: {view.Pages} pages, added {view.Added}, updated {view.Updated}, withdrawn {view.Withdrawn}, rejected {view.Rejected} in {view.Seconds:0.###} s");
                else
                {
                    Console.WriteLine($"{n}: failed after {view.Pages} pages (added {view.Added}, updated {view.Updated}, withdrawn {view.Withdrawn}): {view.Error}");
                    Console.Error.WriteLine($"safeguard: exchange '{n}': {view.Error}");
                }
            }
            return failed == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }));
        return cmd;
    }

    /// <summary>Passes the fetcher's running totals to the progress line, on the fetcher's own thread.</summary>
    private sealed class Reporter(ProgressReporter progress) : IProgress<FetchResult>
    {
        public void Report(FetchResult value)
        {
            progress.SetDone(value.Pages);
            progress.Detail = $"added {value.Added:N0}, updated {value.Updated:N0}, withdrawn {value.Withdrawn:N0}";
        }
    }
}

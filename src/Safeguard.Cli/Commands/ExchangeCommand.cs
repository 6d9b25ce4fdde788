using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Safeguard.Cli.Output;
using Safeguard.Exchanges;
using Safeguard.Server.Api;
using Safeguard.Server.Exchanges;
using static Safeguard.Cli.Commands.ExchangeCommandSupport;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard exchange ...`: lists that fill a bank from upstream (files, URLs, sharing services).</summary>
public static class ExchangeCommand
{
    private static readonly string[] ListColumns = ["NAME", "TYPE", "BANK", "ENABLED", "LAST_FETCH", "LAG", "NEXT_FETCH", "ERROR"];

    private static readonly Argument<string> Name = new("name") { Description = "Exchange name (letters, digits, '.', '_', '-')" };

    public static Command Create()
    {
        var exchange = new Command("exchange", "Manage exchanges: upstream hash lists that keep a bank current (fetched by 'serve' on schedule, or now with 'fetch').");
        exchange.Subcommands.Add(TypesCommand());
        exchange.Subcommands.Add(AddCommand());
        exchange.Subcommands.Add(ListCommand());
        exchange.Subcommands.Add(ShowCommand());
        exchange.Subcommands.Add(UpdateCommand());
        exchange.Subcommands.Add(ExchangeFetchCommand.Create(Name));
        exchange.Subcommands.Add(RemoveCommand());
        return exchange;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of a table" };

    private static Option<string[]> SetOption(string what) => new("--set")
    {
        Description = $"A setting of the exchange's type, name=value (repeatable; 'exchange types' lists them){what}",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command TypesCommand()
    {
        var json = JsonOption();
        var cmd = new Command("types", "List the exchange types and the settings each reads.") { json };
        cmd.SetAction(parse =>
        {
            var types = ExchangeTypes.BuiltIn.Select(ExchangeViews.TypeOf).ToList();
            if (parse.GetValue(json)) { PrintJson(types); return ExitCodes.Ok; }
            if (types.Count == 0) { Console.WriteLine("no exchange types"); return ExitCodes.Ok; }
            foreach (var t in types)
            {
                Console.WriteLine($"{t.Name}: {t.Description}{(t.SupportsFeedback ? " (takes feedback)" : "")}");
                foreach (var s in t.Settings)
                    Console.WriteLine($"  {s.Name}{(s.Required ? " (required)" : "")}{(s.Secret ? " (secret)" : "")}: {s.Description}");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command AddCommand()
    {
        var type = new Option<string>("--type") { Description = "Exchange type ('exchange types' lists them)", Required = true };
        var bank = new Option<string?>("--bank") { Description = "Bank the exchange fills (created when missing; default: the exchange's name)" };
        var set = SetOption("");
        var interval = new Option<string>("--interval") { Description = "Time between scheduled fetches: 90s, 15m, 6h, 1d", DefaultValueFactory = _ => "15m" };
        var feedback = new Option<bool>("--feedback") { Description = "Send reviewers' verdicts on its entries upstream (types that take feedback)" };
        var disabled = new Option<bool>("--disabled") { Description = "Add it disabled: fetched only by hand until enabled" };
        var cmd = new Command("add", "Add an exchange bound to a bank; its settings are checked by its type.") { Name, type, bank, set, interval, feedback, disabled };
        cmd.SetAction(parse => Run(parse, async (banks, store) =>
        {
            var info = Checked(() => Safeguard.Server.UseCases.ManageExchanges.Check(new Safeguard.Server.UseCases.NewExchange(
                parse.GetValue(Name), parse.GetValue(type), parse.GetValue(bank), Pairs(parse.GetValue(set)),
                !parse.GetValue(disabled), parse.GetValue(feedback), parse.GetValue(interval))));
            if (await store.GetAsync(info.Name) is not null) throw new UsageException($"exchange '{info.Name}' already exists");
            if (await store.FindByBankAsync(info.Bank) is { } other) throw new UsageException($"bank '{info.Bank}' is already filled by exchange '{other.Name}'");
            bool bankExisted = await banks.GetBankAsync(info.Bank) is not null;
            var added = await store.AddAsync(info);
            Console.WriteLine($"added exchange '{added.Name}' ({added.Type}) filling {(bankExisted ? "" : "new ")}bank '{added.Bank}', " +
                              $"{(added.Enabled ? "fetched every " + ExchangeRequests.FormatInterval(added.Interval) : "disabled")}" +
                              $"{(added.FeedbackEnabled ? ", feedback on" : "")}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command ListCommand()
    {
        var json = JsonOption();
        var cmd = new Command("list", "List exchanges: type, bank, enabled, last fetch, lag, next fetch, error.") { json };
        cmd.SetAction(parse => Run(parse, async (_, store) =>
        {
            var views = await ViewsAsync(store);
            if (parse.GetValue(json)) { PrintJson(views); return ExitCodes.Ok; }
            if (views.Count == 0) { Console.WriteLine("no exchanges"); return ExitCodes.Ok; }
            var now = DateTimeOffset.UtcNow;
            var rows = new List<string[]> { ListColumns };
            foreach (var x in views)
                rows.Add([x.Name, x.Type, x.Bank, x.Enabled ? "yes" : "no", When(x.Status.LastFetch), Duration(x.Status.LagSeconds),
                    x.Enabled ? Until(x.Status.NextFetch, now) : "-", OneLine(x.Status.Error)]);
            BankCommand.PrintTable(rows);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command ShowCommand()
    {
        var json = JsonOption();
        var cmd = new Command("show", "Show an exchange: its settings (secret ones as ***) and its full status.") { Name, json };
        cmd.SetAction(parse => Run(parse, async (_, store) =>
        {
            var name = parse.GetValue(Name)!;
            var x = await store.GetAsync(name) ?? throw new UsageException($"exchange '{name}' not found");
            var status = await store.GetStatusAsync(name);
            var view = ExchangeViews.Of(x, status, DateTimeOffset.UtcNow);
            if (parse.GetValue(json)) { PrintJson(view); return ExitCodes.Ok; }
            var s = view.Status;
            Console.WriteLine($"exchange:      {view.Name}");
            Console.WriteLine($"type:          {view.Type}{(ExchangeTypes.Find(view.Type) is null ? " (unknown to this build)" : "")}");
            Console.WriteLine($"bank:          {view.Bank}");
            Console.WriteLine($"enabled:       {(view.Enabled ? "yes" : "no")}");
            Console.WriteLine($"feedback:      {(view.FeedbackEnabled ? "on" : "off")}");
            Console.WriteLine($"interval:      {ExchangeRequests.FormatInterval(x.Interval)}");
            Console.WriteLine($"created:       {When(view.CreatedAt)}");
            foreach (var (k, v) in view.Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                Console.WriteLine($"setting:       {k} = {BankCommand.Abbreviate(v)}");
            Console.WriteLine($"last fetch:    {When(s.LastFetch)}");
            Console.WriteLine($"last success:  {When(s.LastSuccess)}");
            Console.WriteLine($"upstream time: {When(s.UpstreamTime)}");
            Console.WriteLine($"lag:           {Duration(s.LagSeconds)}");
            Console.WriteLine($"error:         {(OneLine(s.Error) is { Length: > 0 } e ? e : "-")}");
            Console.WriteLine($"failures:      {s.ConsecutiveFailures} in a row");
            Console.WriteLine($"next fetch:    {(view.Enabled ? When(s.NextFetch) : "- (disabled: fetched only by hand)")}");
            Console.WriteLine($"checkpoint:    {(status?.Checkpoint is { } c ? BankCommand.Abbreviate(c) : "-")}");
            Console.WriteLine($"totals:        {s.Pages} pages, added {s.Added}, updated {s.Updated}, withdrawn {s.Withdrawn}");
            if (s.Pending > 0) Console.WriteLine($"pending:       {s.Pending} entries of the initial load, added when upstream has no more");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command UpdateCommand()
    {
        var enable = new Option<bool>("--enable") { Description = "Fetch on schedule again" };
        var disable = new Option<bool>("--disable") { Description = "Stop scheduled fetches (fetch by hand still works)" };
        var feedback = new Option<string?>("--feedback") { Description = "Send reviewers' verdicts upstream: on or off" };
        var interval = new Option<string?>("--interval") { Description = "Time between scheduled fetches: 90s, 15m, 6h, 1d" };
        var set = SetOption("; an empty value (name=) removes the setting");
        var cmd = new Command("update", "Change an exchange: enable or disable it, its feedback, interval or settings.") { Name, enable, disable, feedback, interval, set };
        cmd.SetAction(parse => Run(parse, async (_, store) =>
        {
            var name = parse.GetValue(Name)!;
            if (parse.GetValue(enable) && parse.GetValue(disable)) throw new UsageException("--enable and --disable cannot be used together");
            bool? enabled = parse.GetValue(enable) ? true : parse.GetValue(disable) ? false : null;
            bool? feedbackOn = parse.GetValue(feedback) switch
            {
                null => null, "on" or "true" or "yes" => true, "off" or "false" or "no" => false,
                var v => throw new UsageException($"--feedback must be on or off, not '{v}'"),
            };
            var x = await store.GetAsync(name) ?? throw new UsageException($"exchange '{name}' not found");
            var type = ExchangeTypes.Find(x.Type);
            if (feedbackOn == true && type is { SupportsFeedback: false }) throw new UsageException($"exchange type '{x.Type}' takes no feedback");
            TimeSpan? every = parse.GetValue(interval) is { } i ? Checked(() => ExchangeRequests.ParseInterval(i)) : null;
            var changes = Pairs(parse.GetValue(set));
            ExchangeSettings? settings = null;
            if (changes.Count > 0)
            {
                if (type is null) throw new UsageException($"exchange type '{x.Type}' is unknown to this build: its settings cannot be checked");
                settings = Checked(() => ExchangeRequests.CheckSettings(type, ExchangeRequests.Merge(x.Settings, changes)));
            }
            if (enabled is null && feedbackOn is null && every is null && settings is null)
                throw new UsageException("nothing to change: give --enable, --disable, --feedback, --interval or --set");
            var updated = await store.UpdateAsync(name, enabled, feedbackOn, every, settings) ?? throw new UsageException($"exchange '{name}' not found");
            Console.WriteLine($"updated exchange '{updated.Name}': {(updated.Enabled ? "enabled" : "disabled")}, feedback {(updated.FeedbackEnabled ? "on" : "off")}, " +
                              $"every {ExchangeRequests.FormatInterval(updated.Interval)}" +
                              (changes.Count > 0 ? $", settings changed: {string.Join(", ", changes.Keys.Order(StringComparer.Ordinal))}" : ""));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command RemoveCommand()
    {
        var cmd = new Command("remove", "Remove an exchange; its bank and entries stay.") { Name };
        cmd.SetAction(parse => Run(parse, async (_, store) =>
        {
            var name = parse.GetValue(Name)!;
            var x = await store.GetAsync(name) ?? throw new UsageException($"exchange '{name}' not found");
            await store.RemoveAsync(name);
            Console.WriteLine($"removed exchange '{name}'; bank '{x.Bank}' and its entries are kept");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    internal static async Task<List<ExchangeView>> ViewsAsync(IExchangeStore store)
    {
        var statuses = (await store.ListStatusAsync()).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;
        return (await store.ListAsync()).OrderBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => ExchangeViews.Of(x, statuses.GetValueOrDefault(x.Name), now)).ToList();
    }

    internal static void PrintJson<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, ApiJson.Options));

    internal static string When(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "-";

    private static string Until(DateTimeOffset? t, DateTimeOffset now) => t is not { } v ? "now" : v <= now ? "now" : "in " + Duration((v - now).TotalSeconds);

    /// <summary>A short duration: "45s", "12m", "3h", "2d".</summary>
    internal static string Duration(double? seconds) => seconds switch
    {
        null => "-",
        < 120 => $"{seconds:0}s",
        < 7200 => $"{seconds / 60:0}m",
        < 172_800 => $"{seconds / 3600:0}h",
        _ => $"{seconds / 86_400:0}d",
    };

    private static string OneLine(string? s) => s is null ? "" : BankCommand.Abbreviate(s.ReplaceLineEndings(" "));
}

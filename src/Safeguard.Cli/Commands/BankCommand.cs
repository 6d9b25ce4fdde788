using System.CommandLine;
using System.Globalization;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Banks.Storage;
using static Safeguard.Cli.Commands.BankCommandSupport;
using Safeguard.Signals;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard bank ...`: hash banks and their import/export.</summary>
public static class BankCommand
{
    private static readonly string[] BankColumns = ["NAME", "ENABLED", "DISABLED", "VERIFIED", "DESCRIPTION"];
    private static readonly string[] EntryColumns = ["TYPE", "VALUE", "CONTENT_ID", "CATEGORY", "TAGS", "STATE"];

    private static readonly Argument<string> Name = new("name") { Description = "Bank name (letters, digits, '.', '_', '-')" };

    public static Command Create()
    {
        var bank = new Command("bank", "Manage hash banks: named hash lists with their provenance.");
        bank.Subcommands.Add(CreateCommand());
        bank.Subcommands.Add(ListCommand());
        bank.Subcommands.Add(ShowCommand());
        bank.Subcommands.Add(DeleteCommand());
        bank.Subcommands.Add(AddCommand());
        bank.Subcommands.Add(BankImportCommand.Create(Name));
        bank.Subcommands.Add(BankExportCommand.Create(Name));
        bank.Subcommands.Add(RemoveCommand());
        bank.Subcommands.Add(DisableCommand(disable: true));
        bank.Subcommands.Add(DisableCommand(disable: false));
        bank.Subcommands.Add(BankEntryCommand.UpdateCommand(Name));
        bank.Subcommands.Add(BankEntryCommand.EntryCommand());
        return bank;
    }

    private static Command CreateCommand()
    {
        var description = new Option<string?>("--description") { Description = "What the list is and where it comes from" };
        var verified = new Option<bool>("--verified") { Description = "Exact hits on this list may be confirmed without a person viewing the media" };
        var cmd = new Command("create", "Create an empty bank.") { Name, description, verified };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var b = await store.CreateBankAsync(parse.GetValue(Name)!, parse.GetValue(description), parse.GetValue(verified));
            Console.WriteLine($"created bank '{b.Name}'{(b.Verified ? " (verified)" : "")} in {store.Kind}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command ListCommand()
    {
        var cmd = new Command("list", "List banks with their entry counts.");
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var banks = await store.ListBanksAsync();
            if (banks.Count == 0) { Console.WriteLine("no banks"); return ExitCodes.Ok; }
            var rows = new List<string[]> { BankColumns };
            foreach (var b in banks)
            {
                var s = await store.GetStatsAsync(b.Name);
                rows.Add([b.Name, s.Enabled.ToString(CultureInfo.InvariantCulture), s.Disabled.ToString(CultureInfo.InvariantCulture), b.Verified ? "yes" : "no", b.Description ?? ""]);
            }
            PrintTable(rows);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command ShowCommand()
    {
        var limit = new Option<int>("--limit") { Description = "How many entries to print", DefaultValueFactory = _ => 10 };
        var cmd = new Command("show", "Show a bank: counts by type, disabled entries, provenance and a few entries.") { Name, limit };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var n = parse.GetValue(limit);
            if (n < 0) throw new UsageException("--limit must be 0 or more");
            var s = await store.GetStatsAsync(parse.GetValue(Name)!);
            Console.WriteLine($"bank:        {s.Bank.Name}");
            Console.WriteLine($"description: {s.Bank.Description ?? "-"}");
            Console.WriteLine($"verified:    {(s.Bank.Verified ? "yes" : "no")}");
            Console.WriteLine($"created:     {s.Bank.CreatedAt:yyyy-MM-dd HH:mm:ss}Z");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio:       {s.Bank.MatchingEnabledRatio:0.###} of lookups (coin flip)"));
            if (s.Bank.NewEntryQuarantineHours > 0) Console.WriteLine($"new entries: wait {s.Bank.NewEntryQuarantineHours} h before matching");
            Console.WriteLine($"enabled:     {s.Enabled}{(s.EnabledByType.Count == 0 ? "" : " (" + string.Join(", ", s.EnabledByType.Select(kv => $"{kv.Key} {kv.Value}")) + ")")}");
            Console.WriteLine($"disabled:    {s.Disabled}");
            foreach (var src in s.Sources)
                Console.WriteLine($"source:      {src.Name ?? "-"} file {src.File ?? "-"} first added {src.FirstAdded:yyyy-MM-dd HH:mm:ss}Z, {src.Entries} entries");
            if (n == 0) return ExitCodes.Ok;
            var rows = new List<string[]> { EntryColumns };
            await foreach (var e in store.EnumerateEntriesAsync(s.Bank.Name, pageSize: Math.Min(n, 5000)))
            {
                rows.Add([e.SignalType, Abbreviate(e.Value), e.ContentId ?? "", FormatCategory(e.Category, e.Grade), string.Join(';', e.Tags),
                    e.Disabled ? "disabled: " + e.DisabledReason : "enabled"]);
                if (rows.Count > n) break;
            }
            Console.WriteLine();
            PrintTable(rows);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command DeleteCommand()
    {
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation" };
        var cmd = new Command("delete", "Delete a bank and all its entries.") { Name, yes };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var name = parse.GetValue(Name)!;
            var stats = await store.GetStatsAsync(name);
            if (!parse.GetValue(yes))
            {
                if (Console.IsInputRedirected)
                    throw new UsageException($"deleting bank '{name}' ({stats.Enabled + stats.Disabled} entries) needs --yes when not run interactively");
                Console.Error.Write($"Delete bank '{name}' with {stats.Enabled + stats.Disabled} entries? Type the bank name to confirm: ");
                if (Console.ReadLine()?.Trim() != name) { Console.Error.WriteLine("not deleted"); return ExitCodes.SomeFailed; }
            }
            await store.DeleteBankAsync(name);
            Console.WriteLine($"deleted bank '{name}' ({stats.Enabled + stats.Disabled} entries)");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Option<string?> TypeOption() => new("--type", "--signal-type")
    {
        Description = "Signal type of the hashes (pdq, md5, sha1, sha256, video_md5, vpdq, tmk); by default inferred from the length (64 digits: pdq). A hash may also be written TYPE:HASH",
    };

    private static Argument<string[]> HashesArgument() => new("hashes") { Description = "Hashes (HASH or TYPE:HASH), or .tmk files (TMK+PDQF video hashes)", Arity = ArgumentArity.OneOrMore };

    private static Command AddCommand()
    {
        var hashes = HashesArgument();
        var type = TypeOption();
        var contentId = new Option<string?>("--content-id") { Description = "Content id recorded with the hashes" };
        var category = new Option<string?>("--category") { Description = "VICS category 0..4 or UK grade A/B/C" };
        var tags = new Option<string?>("--tags") { Description = "Tags, ';'-separated" };
        var cmd = new Command("add", "Add hashes to a bank.") { Name, hashes, type, contentId, category, tags };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            if (!Category.TryParse(parse.GetValue(category), out var vics, out var grade, out var error))
                throw new UsageException("--category: " + error);
            var records = ParseHashes(parse.GetValue(hashes)!, ParseType(parse.GetValue(type)))
                .Select(r => r with { ContentId = parse.GetValue(contentId), Category = vics, Grade = grade, Tags = Tags.Split(parse.GetValue(tags)) })
                .ToList();
            var result = await store.ImportAsync(parse.GetValue(Name)!, records, new ImportOptions { Source = new ImportSource("command line", null) });
            Console.WriteLine($"added {result.Added}, updated {result.Updated}, unchanged {result.Unchanged}, re-enabled {result.Reenabled}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command RemoveCommand()
    {
        var hashes = HashesArgument();
        var type = TypeOption();
        var cmd = new Command("remove", "Delete entries from a bank (use disable to keep a record).") { Name, hashes, type };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var records = ParseHashes(parse.GetValue(hashes)!, ParseType(parse.GetValue(type)));
            int n = await store.RemoveEntriesAsync(parse.GetValue(Name)!, records.Select(r => (r.Type, r.Value)));
            Console.WriteLine($"removed {n} of {records.Count}");
            return n == records.Count ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }));
        return cmd;
    }

    private static Command DisableCommand(bool disable)
    {
        var hashes = HashesArgument();
        var type = TypeOption();
        var reason = new Option<string>("--reason") { Description = "Why the entries are disabled (kept with them)", Required = true };
        var cmd = disable
            ? new Command("disable", "Disable entries so they no longer match, keeping them and the reason.") { Name, hashes, type, reason }
            : new Command("enable", "Enable disabled entries again.") { Name, hashes, type };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var records = ParseHashes(parse.GetValue(hashes)!, ParseType(parse.GetValue(type)));
            var bankName = parse.GetValue(Name)!;
            int n = await store.SetDisabledAsync(bankName, records.Select(r => (r.Type, r.Value)), disable, disable ? parse.GetValue(reason) : null);
            int missing = 0;
            foreach (var r in records)
                if ((await store.FindAsync(r.Type, r.Value, bankName)).Count == 0)
                {
                    missing++;
                    Console.Error.WriteLine($"safeguard: {r.Type.Name} {r.Value} is not in bank '{bankName}'");
                }
            Console.WriteLine($"{(disable ? "disabled" : "enabled")} {n} of {records.Count}");
            return missing == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }));
        return cmd;
    }

    /// <summary>A value short enough for a table row: video values (a tmk is 351,128 characters) are cut, with their length.</summary>
    internal static string Abbreviate(string value) =>
        value.Length <= MaxShownValue ? value : $"{value[..(MaxShownValue - 24)]}... ({value.Length} characters)";

    private const int MaxShownValue = 100;

    internal static string FormatCategory(int? vics, string? grade) =>
        (vics, grade) switch
        {
            (null, null) => "",
            (int v, null) => v.ToString(CultureInfo.InvariantCulture),
            (null, string g) => g,
            (int v, string g) => $"{v}/{g}",
        };

    internal static void PrintTable(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
    }
}

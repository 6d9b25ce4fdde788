using System.CommandLine;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Cli.Output;
using static Safeguard.Cli.Commands.BankCommandSupport;
using Safeguard.Signals;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard bank import NAME FILE|-`.</summary>
internal static class BankImportCommand
{
    public static Command Create(Argument<string> name)
    {
        var file = new Argument<string>("file") { Description = "List to import, or - for standard input" };
        var format = new Option<string?>("--format") { Description = "plain, csv or vics (default: from the extension, else the content)" };
        var replace = new Option<bool>("--replace") { Description = "The file is the bank's full new state: disable entries missing from it" };
        var source = new Option<string?>("--source") { Description = "Name of the list, recorded with every added entry (default: the file name)" };
        var type = new Option<string?>("--type", "--signal-type") { Description = "Signal type of values without one (e.g. sha256 for 64-digit SHA-256 lists; default pdq)" };
        var cmd = new Command("import", "Import a hash list (plain, CSV/HMA or Project VIC VICS JSON) into a bank.") { name, file, format, replace, source, type };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var path = parse.GetValue(file)!;
            var bankName = parse.GetValue(name)!;
            if (await store.GetBankAsync(bankName) is null) throw new UsageException($"no bank named '{bankName}' (create it with 'safeguard bank create {bankName}')");
            var sourceName = path == "-" ? "stdin" : path;
            Stream input;
            try
            {
                input = path == "-" ? Console.OpenStandardInput() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read {path}: {ex.Message}");
            }
            await using var _ = input;
            // Sniff the first bytes for the format, then replay them.
            var head = new byte[4096];
            int got = 0, n;
            while (got < head.Length && (n = input.Read(head, got, head.Length - got)) > 0) got += n;
            var fmt = parse.GetValue(format) is { } f ? ParseFormat(f) : BankFormats.Detect(path == "-" ? null : path, head.AsSpan(0, got));
            var forced = ParseType(parse.GetValue(type));
            var printer = new ProblemPrinter();
            var options = new ReadOptions
            {
                SourceName = sourceName,
                DefaultType = forced is not null && SignalTypes.HexLength(forced) == 64 ? null : forced,
                For64HexDigits = forced is not null && SignalTypes.HexLength(forced) == 64 ? forced : SignalTypes.Pdq,
                OnProblem = printer.Report,
            };
            var records = BankFormats.Read(fmt, BankFormats.WithHead(head, got, input), options);
            var result = await ProgressReporter.RunAsync(parse, "bank import", "entries", null, progress => store.ImportAsync(bankName, Counted(records, progress), new ImportOptions
            {
                Replace = parse.GetValue(replace),
                Source = new ImportSource(parse.GetValue(source) ?? (path == "-" ? "stdin" : Path.GetFileName(path)), path == "-" ? null : Path.GetFullPath(path)),
            }), dataOnStdout: false);
            printer.Finish();
            Console.WriteLine($"{sourceName} ({fmt.ToString().ToLowerInvariant()}): read {result.Read}, added {result.Added}, updated {result.Updated}, " +
                              $"unchanged {result.Unchanged}, re-enabled {result.Reenabled}, disabled {result.Disabled}, skipped {printer.Count}" +
                              (result.KeptDisabled > 0 ? $", {result.KeptDisabled} listed but kept disabled by hand" : ""));
            return printer.Count == 0 ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }));
        return cmd;
    }

    private static IEnumerable<EntryRecord> Counted(IEnumerable<EntryRecord> records, ProgressReporter progress)
    {
        foreach (var r in records)
        {
            progress.Advance();
            yield return r;
        }
    }

    internal static BankFormat ParseFormat(string f)
    {
        try { return BankFormats.Parse(f); }
        catch (BankException ex) { throw new UsageException(ex.Message); }
    }
}

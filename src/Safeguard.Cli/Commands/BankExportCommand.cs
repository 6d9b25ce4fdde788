using System.CommandLine;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using static Safeguard.Cli.Commands.BankCommandSupport;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard bank export NAME FILE|-`: the enabled entries, streamed.</summary>
internal static class BankExportCommand
{
    public static Command Create(Argument<string> name)
    {
        var file = new Argument<string>("file") { Description = "Output file, or - for standard output" };
        var format = new Option<string?>("--format") { Description = "plain, csv or vics (default: from the extension, else plain)" };
        var cmd = new Command("export", "Export a bank's enabled entries as plain, CSV or VICS 2.0 JSON.") { name, file, format };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var path = parse.GetValue(file)!;
            var bankName = parse.GetValue(name)!;
            if (await store.GetBankAsync(bankName) is null) throw new UsageException($"no bank named '{bankName}'");
            var fmt = parse.GetValue(format) is { } f ? BankImportCommand.ParseFormat(f)
                : path == "-" ? BankFormat.Plain : BankFormats.Detect(path, default);
            // Write to a temporary file and rename, so a failed export never leaves half a list.
            var temp = path == "-" ? null : path + ".partial";
            long count = 0;
            try
            {
                await using (var output = temp is null ? Console.OpenStandardOutput() : new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    var entries = store.EnumerateEntriesAsync(bankName, includeDisabled: false).ToBlockingEnumerable()
                        .Select(e => { count++; return e.ToRecord(); });
                    BankFormats.Write(fmt, output, entries);
                }
                if (temp is not null) File.Move(temp, path, overwrite: true);
            }
            catch (Exception ex) when (temp is not null && ex is IOException or UnauthorizedAccessException)
            {
                File.Delete(temp);
                throw new UsageException($"cannot write {path}: {ex.Message}");
            }
            Console.Error.WriteLine($"exported {count} entries from '{bankName}' as {fmt.ToString().ToLowerInvariant()}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}

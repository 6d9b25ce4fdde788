using System.CommandLine;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Banks.Storage;
using Safeguard.Signals;
using Safeguard.Storage.Banks;

namespace Safeguard.Cli.Commands;

/// <summary>Shared plumbing of the bank commands: opening the store, errors, hash arguments.</summary>
internal static class BankCommandSupport
{
    /// <summary>Problems printed before the rest are only counted.</summary>
    public const int MaxProblemsShown = 100;

    /// <summary>
    /// Runs a bank action: store errors about names and arguments are usage errors (2), broken
    /// input 1. Handled here because the parser's invocation would print them as crashes.
    /// </summary>
    public static int Run(ParseResult parse, Func<IBankStore, Task<int>> action)
    {
        try
        {
            return RunAsync(parse, action).GetAwaiter().GetResult();
        }
        catch (UsageException ex)
        {
            return Usage(ex.Message);
        }
        catch (BankFormatException ex)
        {
            Console.Error.WriteLine($"safeguard: {ex.Message}");
            Console.Error.WriteLine("safeguard: nothing was imported");
            return ExitCodes.SomeFailed;
        }
        catch (BankException ex)
        {
            return Usage(ex.Message);
        }
        catch (Safeguard.Engine.Scanning.ScanSettingsChangedException ex)
        {
            return Usage(ex.Message);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"safeguard: {ex.Message}");
            return ExitCodes.SomeFailed;
        }
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"safeguard: {message}");
        return ExitCodes.Usage;
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<IBankStore, Task<int>> action)
    {
        await using var store = await BankStores.OpenAsync(parse.GetValue(GlobalOptions.Db));
        return await action(store);
    }

    public static SignalType? ParseType(string? name)
    {
        if (name is null) return null;
        return SignalTypes.TryGet(name, out var t)
            ? t
            : throw new UsageException($"unknown signal type '{name}' (known: {string.Join(", ", SignalTypes.All.Select(x => x.Name).Order())})");
    }

    /// <summary>
    /// Reads "HASH", "TYPE:HASH" or .tmk file arguments; any invalid one is a usage error and
    /// nothing is done.
    /// </summary>
    public static List<EntryRecord> ParseHashes(IEnumerable<string> args, SignalType? type)
    {
        var problems = new List<InputProblem>();
        var options = new ReadOptions { SourceName = "argument", DefaultType = type, OnProblem = problems.Add };
        var records = new List<EntryRecord>();
        int i = 0;
        foreach (var arg in args)
        {
            i++;
            if (TmkFileArgument.PathOf(arg, type) is { } tmkFile)
            {
                if (TmkFileArgument.TryRead(tmkFile, out var fromFile, out var error)) records.Add(fromFile);
                else problems.Add(new InputProblem(options.SourceName, i, error));
                continue;
            }
            int colon = arg.IndexOf(':');
            var record = colon > 0
                ? options.MakeRecord(i, arg[..colon], arg[(colon + 1)..])
                : options.MakeRecord(i, null, arg);
            if (record is not null) records.Add(record);
        }
        if (problems.Count > 0)
            throw new UsageException(string.Join(Environment.NewLine, problems.Select(p => $"hash {p.Line} ('{Shorten(args.ElementAt((int)p.Line - 1))}'): {p.Message}")));
        return records;
    }

    private static string Shorten(string s) => s.Length <= 70 ? s : s[..67] + "...";

    /// <summary>Prints skipped lines to stderr ("file:line: message"), the first hundred in full.</summary>
    public sealed class ProblemPrinter
    {
        public long Count { get; private set; }

        public void Report(InputProblem p)
        {
            Count++;
            if (Count <= MaxProblemsShown) Console.Error.WriteLine(p.ToString());
        }

        public void Finish()
        {
            if (Count > MaxProblemsShown) Console.Error.WriteLine($"... and {Count - MaxProblemsShown} more problems ({Count} lines skipped in all)");
        }
    }
}

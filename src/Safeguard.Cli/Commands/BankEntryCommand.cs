using System.CommandLine;
using System.Globalization;
using Safeguard.Banks;
using static Safeguard.Cli.Commands.BankCommandSupport;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard bank update` (matching ratio, new-entry quarantine) and `safeguard bank entry show|set` (one entry by id).</summary>
internal static class BankEntryCommand
{
    private static readonly Argument<string> Bank = new("bank") { Description = "Bank name" };
    private static readonly Argument<long> Id = new("id") { Description = "Entry id (as listed by the API, or HMA's content id)" };

    public static Command UpdateCommand(Argument<string> name)
    {
        var ratio = new Option<double?>("--enabled-ratio") { Description = "Share of lookups (0..1) this bank takes part in, HMA's coin flip: 1 always, 0 only with bypass_coinflip" };
        var description = new Option<string?>("--description") { Description = "What the list is and where it comes from" };
        var quarantine = new Option<int?>("--new-entry-quarantine-hours") { Description = "Hours an entry added from now on waits before it matches (0: none), unless its input sets a disable-until" };
        var rename = new Option<string?>("--rename") { Description = "A new name for the bank" };
        var cmd = new Command("update", "Change a bank's matching ratio, new-entry quarantine, description or name.") { name, ratio, description, quarantine, rename };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var update = new BankUpdate
            {
                MatchingEnabledRatio = parse.GetValue(ratio), Description = parse.GetValue(description),
                NewEntryQuarantineHours = parse.GetValue(quarantine), Rename = parse.GetValue(rename),
            };
            if (update == new BankUpdate()) throw new UsageException("nothing to change: give --enabled-ratio, --description, --new-entry-quarantine-hours or --rename");
            var b = await store.UpdateBankAsync(parse.GetValue(name)!, update);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bank '{b.Name}': matching ratio {b.MatchingEnabledRatio:0.###}, new entries wait {b.NewEntryQuarantineHours} h"));
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    public static Command EntryCommand()
    {
        var entry = new Command("entry", "One entry by id: show it or change its note, metadata, original media URI or disable-until.");
        entry.Subcommands.Add(ShowCommand());
        entry.Subcommands.Add(SetCommand());
        return entry;
    }

    private static Command ShowCommand()
    {
        var cmd = new Command("show", "Show one entry with every field.") { Bank, Id };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var e = await store.GetEntryAsync(parse.GetValue(Bank)!, parse.GetValue(Id))
                    ?? throw new UsageException($"bank '{parse.GetValue(Bank)}' has no entry {parse.GetValue(Id)}");
            Print(e);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command SetCommand()
    {
        var note = new Option<string?>("--note") { Description = "A free-text note (\"\" clears it)" };
        var meta = new Option<string[]>("--meta") { Description = "Metadata as key=value (repeatable); replaces the entry's metadata; --meta \"\" clears it", AllowMultipleArgumentsPerToken = true };
        var uri = new Option<string?>("--original-media-uri") { Description = "Where the original media was: an absolute http, https, s3 or file URI (\"\" clears it)" };
        var until = new Option<string?>("--disable-until") { Description = "The entry does not match before this time (ISO 8601, e.g. 2026-12-31T00:00:00Z), or 'none'" };
        var cmd = new Command("set", "Change one entry's note, metadata, original media URI or disable-until.") { Bank, Id, note, meta, uri, until };
        cmd.SetAction(parse => Run(parse, async store =>
        {
            var update = new EntryUpdate();
            if (parse.GetValue(note) is { } n) update = n.Length == 0 ? update with { ClearNote = true } : update with { Note = n };
            if (parse.GetValue(uri) is { } u) update = u.Length == 0 ? update with { ClearOriginalMediaUri = true } : update with { OriginalMediaUri = u };
            if (parse.GetValue(meta) is { Length: > 0 } pairs) update = update with { Metadata = ParseMetadata(pairs) };
            if (parse.GetValue(until) is { } t) update = ParseUntil(t) is { } at ? update with { DisableUntil = at } : update with { ClearDisableUntil = true };
            if (update == new EntryUpdate()) throw new UsageException("nothing to change: give --note, --meta, --original-media-uri or --disable-until");
            var e = await store.UpdateEntryAsync(parse.GetValue(Bank)!, parse.GetValue(Id), update)
                    ?? throw new UsageException($"bank '{parse.GetValue(Bank)}' has no entry {parse.GetValue(Id)}");
            Print(e);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    internal static Dictionary<string, string> ParseMetadata(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in pairs)
        {
            if (p.Length == 0) continue;
            int eq = p.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw new UsageException($"--meta '{p}': write key=value");
            result[p[..eq]] = p[(eq + 1)..];
        }
        return result;
    }

    internal static DateTimeOffset? ParseUntil(string text)
    {
        if (text.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            throw new UsageException($"--disable-until '{text}': give an ISO 8601 time (2026-12-31T00:00:00Z) or 'none'");
        return at;
    }

    private static void Print(BankEntry e)
    {
        Console.WriteLine($"id:                 {e.Id}");
        Console.WriteLine($"bank:               {e.Bank}");
        Console.WriteLine($"type:               {e.SignalType}");
        Console.WriteLine($"value:              {(e.Value.Length > 80 ? e.Value[..77] + "..." : e.Value)}");
        Console.WriteLine($"content id:         {e.ContentId ?? "-"}");
        Console.WriteLine($"state:              {(e.Disabled ? "disabled: " + e.DisabledReason : "enabled")}");
        Console.WriteLine($"disable until:      {(e.DisableUntil is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) + (t > DateTimeOffset.UtcNow ? " (waiting)" : " (over)") : "-")}");
        Console.WriteLine($"note:               {e.Note ?? "-"}");
        Console.WriteLine($"original media uri: {e.OriginalMediaUri ?? "-"}");
        Console.WriteLine($"added:              {e.AddedAt.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}");
        foreach (var (k, v) in e.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal)) Console.WriteLine($"metadata:           {k}={v}");
    }
}

using System.CommandLine;
using System.Globalization;

namespace Safeguard.Cli.Commands;

/// <summary>`safeguard audit verify|list`: the service's hash-chained audit log.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var audit = new Command("audit", "Check and read the service's append-only, hash-chained audit log.");
        var verify = new Command("verify", "Recompute the hash chain; exit 1 when any entry was edited, inserted or deleted.");
        verify.SetAction(parse => KeysCommand.Run(parse, async (db, log, _) =>
        {
            var v = await log.VerifyAsync();
            (v.Ok ? Console.Out : Console.Error).WriteLine(v.Ok ? v.Message : $"safeguard: AUDIT LOG TAMPERED: {v.Message}");
            return v.Ok ? ExitCodes.Ok : ExitCodes.SomeFailed;
        }));
        var after = new Option<long>("--after") { Description = "Show entries after this sequence number" };
        var limit = new Option<int>("--limit") { Description = "How many entries", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Print audit entries.") { after, limit };
        list.SetAction(parse => KeysCommand.Run(parse, async (db, log, _) =>
        {
            foreach (var e in await log.ListAsync(parse.GetValue(after), parse.GetValue(limit)))
                Console.WriteLine(string.Join('\t', e.Seq.ToString(CultureInfo.InvariantCulture), e.At.ToString("O", CultureInfo.InvariantCulture), e.Actor, e.Action, e.Target ?? "", e.Detail ?? ""));
            return ExitCodes.Ok;
        }));
        audit.Subcommands.Add(verify);
        audit.Subcommands.Add(list);
        return audit;
    }
}

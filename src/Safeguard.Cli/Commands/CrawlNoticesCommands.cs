using System.CommandLine;
using System.Globalization;
using Safeguard.Crawl.Notices;
using Safeguard.Crawl.Notices.Contacts;
using Safeguard.Crawl.Notices.Rechecks;
using Safeguard.Crawl.Notices.Rendering;
using Safeguard.Crawl.Notices.Reports;
using Safeguard.Crawl.Notices.Storage;
using Safeguard.Exchanges.Http;
using Safeguard.Storage;

namespace Safeguard.Cli.Commands;

/// <summary>
/// The notice side of `safeguard crawl`: `contacts check`, `notices DIR collect|list|show|send|mark-sent`,
/// `recheck DIR` and `report DIR`, added to whichever `crawl` command is given.
/// </summary>
public static class CrawlNoticesCommands
{
    /// <summary>How re-checks fetch a URL; the crawler's fetcher replaces the default (fetch + SHA-256 through the SSRF rules).</summary>
    public static Func<IReadOnlyList<string>, IMediaProbe> ProbeFactory { get; set; } = DefaultProbe;

    public static void AddTo(Command crawl)
    {
        crawl.Subcommands.Add(Contacts());
        crawl.Subcommands.Add(Notices());
        crawl.Subcommands.Add(Recheck());
        crawl.Subcommands.Add(Report());
    }

    private static readonly Argument<string> Dir = new("DIR") { Description = "The crawl's output folder (the --out of `safeguard crawl`)" };
    private static readonly Argument<long> Id = new("ID") { Description = "Notice id (as `notices DIR list` shows)" };
    private static readonly Option<string?> ContactsFile = new("--contacts") { Description = "The contacts CSV (default: DIR/contacts.csv)" };
    private static readonly Option<string?> AsnRanges = new("--asn-ranges") { Description = "IP-range→ASN CSV for the contacts table's AS rules" };

    private static Command Contacts()
    {
        var file = new Argument<string>("FILE") { Description = "Contacts CSV to check" };
        var check = new Command("check", "Read a contacts table and report every problem (file:line), or what it holds.") { file, AsnRanges };
        check.SetAction(parse =>
        {
            try
            {
                var table = ContactsTable.Load(parse.GetValue(file)!, parse.GetValue(AsnRanges));
                Console.WriteLine($"{parse.GetValue(file)}: {table.RuleCount} rules, {table.Providers.Count} providers, {table.AsnRangeCount} ASN ranges");
                Console.WriteLine("PROVIDER\tABUSE-EMAIL\tWEB-FORM\tESCALATION");
                foreach (var p in table.Providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
                    Console.WriteLine(string.Join('\t', p.Name, p.AbuseEmail ?? "-", p.WebForm ?? "-", p.EscalationEmail ?? p.EscalationContact ?? "-"));
                var noContact = table.Providers.Values.Where(p => p.AbuseEmail is null && p.WebForm is null).ToList();
                foreach (var p in noContact) Console.Error.WriteLine($"safeguard: warning: provider '{p.Name}' has neither abuse_email nor web_form");
                return ExitCodes.Ok;
            }
            catch (ContactsException ex)
            {
                foreach (var problem in ex.Problems) Console.Error.WriteLine($"safeguard: {problem}");
                return ExitCodes.SomeFailed;
            }
        });
        return new Command("contacts", "The operator's contacts table: IP ranges, AS numbers and host names → hosting provider.") { check };
    }

    private static Command Notices()
    {
        var notices = new Command("notices", "Removal notices: confirmed sightings grouped per hosting provider.") { Dir, CrawlNoticesOptions.CrawlDb };

        var collect = new Command("collect", "Put new confirmed sightings into their provider's open notice (pending ones wait for review).") { ContactsFile, AsnRanges };
        collect.SetAction((parse, ct) => Run(parse, async (store, dir) =>
        {
            var contacts = ContactsTable.Load(parse.GetValue(ContactsFile) ?? Path.Combine(dir, "contacts.csv"), parse.GetValue(AsnRanges));
            var result = await store.CollectAsync(contacts, ct);
            Console.WriteLine($"{result.Added} sightings added to {result.Notices} open notices; {result.Unassigned} with no provider (notice for '{Provider.UnassignedName}')");
            return ExitCodes.Ok;
        }, ct));

        var state = new Option<string?>("--state") { Description = "Only notices in this state (open, queued, sent, escalated, resolved)" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var list = new Command("list", "List notices, newest first.") { state, format };
        list.SetAction((parse, ct) => Run(parse, async (store, _) =>
        {
            var all = await store.ListAsync(parse.GetValue(state), ct);
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine("[" + string.Join(",\n", await Task.WhenAll(all.Select(async n => NoticeJson.Render(n, await store.ItemsAsync(n, ct))))) + "]");
                return ExitCodes.Ok;
            }
            Console.WriteLine("ID\tKIND\tSTATE\tPROVIDER\tITEMS\tGONE\tCREATED\tSENT\tTO");
            foreach (var n in all)
                Console.WriteLine(string.Join('\t', n.Id.ToString(CultureInfo.InvariantCulture), n.Kind, n.State, n.Provider.Name,
                    n.ItemCount.ToString(CultureInfo.InvariantCulture), n.GoneCount.ToString(CultureInfo.InvariantCulture), NoticeTemplate.Iso(n.CreatedAt),
                    n.SentAt is { } s ? NoticeTemplate.Iso(s) : "-", n.SentTo ?? Recipient(n)));
            return ExitCodes.Ok;
        }, ct));

        var show = new Command("show", "Show a notice: its email as it would be sent, or (--format json) everything about it.") { Id, format };
        CrawlNoticesOptions.AddTemplates(show);
        show.SetAction((parse, ct) => Run(parse, async (store, _) =>
        {
            var notice = await Require(store, parse.GetValue(Id), ct);
            var email = await CrawlNoticesOptions.Dispatcher(parse, store, sending: false).RenderAsync(notice, ct);
            if (parse.GetValue(format) == "json") { Console.WriteLine(NoticeJson.Render(notice, await store.ItemsAsync(notice, ct), email)); return ExitCodes.Ok; }
            Console.WriteLine($"Notice {notice.Id} ({notice.Kind}, {notice.State}) to {notice.Provider.Name}: {Recipient(notice)}");
            if (notice.Provider.WebForm is { } form) Console.WriteLine($"Web form: {form}");
            if (notice.LastError is { } error) Console.WriteLine($"Last problem: {error}");
            Console.WriteLine();
            Console.WriteLine($"Subject: {email.Subject}");
            Console.WriteLine();
            Console.Write(email.Body);
            return ExitCodes.Ok;
        }, ct));

        var all = new Option<bool>("--all") { Description = "Send every open and queued notice" };
        var optionalId = new Argument<long?>("ID") { Description = "Notice id (or --all)", Arity = ArgumentArity.ZeroOrOne };
        var send = new Command("send", "Mail a notice by SMTP when configured; otherwise (or on failure) queue it for a person to send.") { optionalId, all };
        CrawlNoticesOptions.AddSending(send);
        send.SetAction((parse, ct) => Run(parse, async (store, _) =>
        {
            var dispatcher = CrawlNoticesOptions.Dispatcher(parse, store);
            List<long> ids = parse.GetValue(all)
                ? [.. (await store.ListAsync(null, ct)).Where(n => n.State is NoticeStates.Open or NoticeStates.Queued && n.ItemCount > 0).Select(n => n.Id)]
                : parse.GetValue(optionalId) is { } one ? [one] : throw new UsageException("give a notice ID or --all");
            int queued = 0;
            foreach (var id in ids)
            {
                var outcome = await dispatcher.SendAsync(id, ct);
                if (outcome.Mailed) Console.WriteLine($"notice {id}: sent to {outcome.Notice.SentTo}");
                else
                {
                    queued++;
                    Console.WriteLine($"notice {id}: queued ({outcome.QueuedBecause}); send it yourself, then run `notices DIR mark-sent {id}`");
                }
            }
            // With SMTP configured, a notice that still had to be queued is a failure scripts should see; without SMTP, queuing is the plan.
            return queued > 0 && parse.GetValue(CrawlNoticesOptions.SmtpHost) is not null ? ExitCodes.SomeFailed : ExitCodes.Ok;
        }, ct));

        var to = new Option<string?>("--to") { Description = "Where it was sent (address or web form); default: the provider's contact" };
        var markSent = new Command("mark-sent", "Record that a person sent a notice (by mail or web form); its re-checks start.") { Id, to };
        CrawlNoticesOptions.AddSending(markSent);
        markSent.SetAction((parse, ct) => Run(parse, async (store, _) =>
        {
            var notice = await CrawlNoticesOptions.Dispatcher(parse, store).MarkSentManuallyAsync(parse.GetValue(Id), parse.GetValue(to), ct);
            Console.WriteLine($"notice {notice.Id}: sent (manually) to {notice.SentTo ?? "-"} at {NoticeTemplate.Iso(notice.SentAt!.Value)}");
            return ExitCodes.Ok;
        }, ct));

        foreach (var c in new[] { collect, list, show, send, markSent }) notices.Subcommands.Add(c);
        return notices;
    }

    private static Command Recheck()
    {
        var allow = new Option<string[]>("--allow-address") { Description = "Private or loopback addresses/CIDR ranges re-checks may reach (refused by default)", AllowMultipleArgumentsPerToken = true };
        var recheck = new Command("recheck", "Probe the URLs of sent notices that are due; record removals; resolve and escalate notices.")
            { Dir, CrawlNoticesOptions.CrawlDb, CrawlNoticesOptions.MaxBackoff, CrawlNoticesOptions.EscalateAfter, allow };
        CrawlNoticesOptions.AddSending(recheck);
        recheck.SetAction((parse, ct) => Run(parse, async (store, _) =>
        {
            var options = CrawlNoticesOptions.Recheck(parse);
            try { options.Validate(); } catch (ArgumentException ex) { throw new UsageException(ex.Message); }
            var probe = ProbeFactory(parse.GetValue(allow) ?? []);
            var summary = await new Rechecker(store, probe, CrawlNoticesOptions.Dispatcher(parse, store), options).RunOnceAsync(ct);
            Console.WriteLine($"checked {summary.Checked}: {summary.Gone} gone, {summary.Present} still online, {summary.Errors} without answer; " +
                $"{summary.Resolved.Count} notices resolved, {summary.Escalations.Count} escalated");
            foreach (var e in summary.Escalations)
                Console.WriteLine(e.Mailed ? $"escalation {e.Notice.Id} of notice {e.Notice.ParentId}: sent to {e.Notice.SentTo}"
                    : $"escalation {e.Notice.Id} of notice {e.Notice.ParentId}: queued ({e.QueuedBecause})");
            return ExitCodes.Ok;
        }, ct));
        return recheck;
    }

    private static Command Report()
    {
        var format = new Option<string>("--format") { Description = "json or csv", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "csv");
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output" };
        var report = new Command("report", "Per provider: sightings, notices, removed, median and 90th-percentile hours to removal, still online, escalated.")
            { Dir, CrawlNoticesOptions.CrawlDb, format, output };
        report.SetAction((parse, ct) => Run(parse, async (store, _) =>
        {
            var figures = await RemovalReport.ComputeAsync(store.Database, ct);
            var text = parse.GetValue(format) == "csv" ? RemovalReport.ToCsv(figures) : RemovalReport.ToJson(figures);
            if (parse.GetValue(output) is { } file)
            {
                var tmp = file + ".tmp";
                await File.WriteAllTextAsync(tmp, text, ct);
                File.Move(tmp, file, overwrite: true);
                Console.Error.WriteLine($"report of {figures.Count} providers written to {file}");
            }
            else Console.Write(text);
            return ExitCodes.Ok;
        }, ct));
        return report;
    }

    private static string Recipient(Notice n) =>
        Safeguard.Crawl.Notices.Sending.NoticeDispatcher.Recipient(n) ?? n.Provider.WebForm ?? "(no contact)";

    private static async Task<Notice> Require(NoticeStore store, long id, CancellationToken ct) =>
        await store.GetAsync(id, ct) ?? throw new KeyNotFoundException($"no notice {id}");

    private static IMediaProbe DefaultProbe(IReadOnlyList<string> allowList)
    {
        AddressPolicy policy;
        try { policy = new AddressPolicy(allowList); }
        catch (ArgumentException ex) { throw new UsageException($"--allow-address: {ex.Message}"); }
        var http = ExchangeHttp.CreateClient(policy);
        http.Timeout = TimeSpan.FromSeconds(60);
        return new HttpMediaProbe(http);
    }

    private static async Task<int> Run(ParseResult parse, Func<NoticeStore, string, Task<int>> action, CancellationToken ct)
    {
        var dir = parse.GetValue(Dir)!;
        try
        {
            await using var db = await CrawlNoticesOptions.OpenAsync(parse, dir, ct);
            return await action(new NoticeStore(db, TimeProvider.System), dir);
        }
        catch (ContactsException ex)
        {
            foreach (var problem in ex.Problems) Console.Error.WriteLine($"safeguard: {problem}");
            return ExitCodes.SomeFailed;
        }
        catch (Exception ex) when (ex is TemplateException or KeyNotFoundException or InvalidOperationException or IOException
            or System.Data.Common.DbException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"safeguard: {(ex is KeyNotFoundException ? ex.Message.Trim('\'') : ex.Message)}");
            return ExitCodes.SomeFailed;
        }
    }
}

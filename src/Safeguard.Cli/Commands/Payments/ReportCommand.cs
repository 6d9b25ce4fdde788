using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Reports;
using Safeguard.Server;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;

namespace Safeguard.Cli.Commands.Payments;

/// <summary>
/// <c>safeguard payments report DIR --subject ID --format goaml|csv</c>: a suspicious-transaction
/// report on one subject of a <c>payments scan</c>, from the scan's subjects.jsonl and the feeds
/// read again; every report written is recorded in the audit log.
/// </summary>
public static class ReportCommand
{
    public const string AuditAction = "payments.report";

    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "The --out folder of `safeguard payments scan` (subjects.jsonl, summary.json)" };
        var subject = new Option<string>("--subject") { Description = "The subject (account id) to report, as subjects.jsonl names it", Required = true };
        var format = new Option<string>("--format") { Description = "goaml (goAML XML for the FIU, with a Markdown summary) or csv (the transactions, for analysts)", Required = true };
        var output = new Option<string?>("--out") { Description = "Report file ('-' for standard output; default: DIR/report-SUBJECT.xml or .csv)" };
        var summary = new Option<string?>("--summary") { Description = "Markdown summary file (default: beside the report as FILE.summary.md; none when the report goes to standard output)" };
        var feeds = new Option<string[]>("--feed") { Description = "Feed file(s) to read the transactions from (default: the ones summary.json names; required when the scan read standard input)", AllowMultipleArgumentsPerToken = true };
        var entityConfig = new Option<string?>("--entity-config") { Description = "JSON with the reporting entity's details (rentity_id, institution_name, reporting_person, location...; see docs/payments.md); needed for goaml" };
        var rentityId = new Option<int?>("--rentity-id") { Description = "The FIU's id of the reporting entity (overrides the entity config)" };
        var institution = new Option<string?>("--institution") { Description = "The reporting entity's name (overrides the entity config)" };
        var reportCode = new Option<string?>("--report-code") { Description = "STR (default) or SAR" };
        var reference = new Option<string?>("--reference") { Description = "Your reference for the report (goAML entity_reference; default: SG-SUBJECT-TIME)" };
        var role = new Option<string?>("--role") { Description = "purchaser or facilitator, when the subject appears in both roles" };
        var feedFormat = new Option<string>("--feed-format") { Description = "Feed format, as the scan read it: auto, csv or jsonl", DefaultValueFactory = _ => "auto" };
        var map = new Option<string[]>("--map") { Description = "Other column names, as given to the scan: standard=header pairs, comma-separated", AllowMultipleArgumentsPerToken = true };
        var rates = new Option<string?>("--rates") { Description = "Currency rates CSV (default: the one summary.json names)" };
        var cap = new Option<int>("--max-transactions") { Description = "Most transactions in one report; those named by indicators always stay, the earliest others go first", DefaultValueFactory = _ => TransactionSelector.DefaultCap };
        var command = new Command("report", "Write a suspicious-transaction report (goAML XML or CSV, with a readable summary) on one subject of a payments scan, and record it in the audit log.")
        {
            dir, subject, format, output, summary, feeds, entityConfig, rentityId, institution, reportCode, reference, role, cap, feedFormat, map, rates,
        };
        command.SetAction(parse => Run(new Request
        {
            Dir = parse.GetValue(dir)!, Subject = parse.GetValue(subject)!, Format = parse.GetValue(format)!, Out = parse.GetValue(output),
            Summary = parse.GetValue(summary), Feeds = parse.GetValue(feeds) ?? [], EntityConfig = parse.GetValue(entityConfig),
            RentityId = parse.GetValue(rentityId), Institution = parse.GetValue(institution), ReportCode = parse.GetValue(reportCode),
            Reference = parse.GetValue(reference), Role = parse.GetValue(role), Cap = parse.GetValue(cap), Db = parse.GetValue(GlobalOptions.Db),
            FeedFormat = parse.GetValue(feedFormat)!, Map = parse.GetValue(map) ?? [], Rates = parse.GetValue(rates),
        }));
        return command;
    }

    private sealed record Request
    {
        public required string Dir { get; init; }
        public required string Subject { get; init; }
        public required string Format { get; init; }
        public string? Out { get; init; }
        public string? Summary { get; init; }
        public required string[] Feeds { get; init; }
        public string? EntityConfig { get; init; }
        public int? RentityId { get; init; }
        public string? Institution { get; init; }
        public string? ReportCode { get; init; }
        public string? Reference { get; init; }
        public string? Role { get; init; }
        public int Cap { get; init; }
        public string? Db { get; init; }
        public string FeedFormat { get; init; } = "auto";
        public string[] Map { get; init; } = [];
        public string? Rates { get; init; }
    }

    private static int Run(Request r)
    {
        var format = r.Format.ToLowerInvariant();
        if (format is not ("goaml" or "csv")) throw new UsageException($"--format must be goaml or csv, not '{r.Format}'");
        if (r.ReportCode is not null and not ("STR" or "SAR")) throw new UsageException($"--report-code must be STR or SAR, not '{r.ReportCode}'");
        if (r.Role is not null and not ("purchaser" or "facilitator")) throw new UsageException($"--role must be purchaser or facilitator, not '{r.Role}'");
        if (r.Cap < 1) throw new UsageException("--max-transactions must be at least 1");
        ReportingEntity? entity = format == "goaml" ? Entity(r) : null;
        try
        {
            return Write(r, format, entity);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ReportDataException or InvalidOperationException or System.Data.Common.DbException)
        {
            Console.Error.WriteLine($"safeguard: {ex.Message}");
            return ExitCodes.SomeFailed;
        }
    }

    private static ReportingEntity Entity(Request r)
    {
        ReportingEntity e;
        if (r.EntityConfig is null) e = new ReportingEntity();
        else if (!File.Exists(r.EntityConfig)) throw new UsageException($"--entity-config {r.EntityConfig}: no such file");
        else
        {
            try { e = ReportingEntity.Read(r.EntityConfig); }
            catch (FormatException ex) { throw new UsageException(ex.Message); }
        }
        e = e with { RentityId = r.RentityId ?? e.RentityId, InstitutionName = r.Institution ?? e.InstitutionName };
        var problems = e.Problems();
        if (problems.Count > 0)
            throw new UsageException($"a goAML report needs the reporting entity's details (--entity-config FILE; see docs/payments.md): {string.Join("; ", problems)}");
        return e;
    }

    private static int Write(Request r, string format, ReportingEntity? entity)
    {
        if (!Directory.Exists(r.Dir)) throw new IOException($"{r.Dir}: no such folder (give the --out folder of `safeguard payments scan`)");
        var subjectsPath = Path.Combine(r.Dir, "subjects.jsonl");
        if (!File.Exists(subjectsPath)) throw new IOException($"{subjectsPath}: no such file (is {r.Dir} the --out folder of `safeguard payments scan`?)");
        var lookup = SubjectsFile.Find(subjectsPath, r.Subject, r.Role);
        foreach (var e in lookup.Errors) Console.Error.WriteLine($"safeguard: {e}");
        if (lookup.Matches.Count == 0)
        {
            Console.Error.WriteLine($"safeguard: unknown subject '{r.Subject}'{(r.Role is null ? "" : $" as {r.Role}")}: {subjectsPath} has no such subject" +
                (lookup.Errors.Count > 0 ? $" among its readable lines ({lookup.Errors.Count} could not be read)" : ""));
            return ExitCodes.SomeFailed;
        }
        if (lookup.Matches.Select(m => m.Role).Distinct().Count() > 1)
            throw new UsageException($"subject '{r.Subject}' appears as both purchaser and facilitator: choose one with --role");
        var subject = lookup.Matches[0];

        var summaryPath = Path.Combine(r.Dir, "summary.json");
        ScanSummary scan = File.Exists(summaryPath) ? ScanSummary.Read(summaryPath) : new ScanSummary([], null, "");
        IReadOnlyList<string> feedPaths = r.Feeds.Length > 0 ? r.Feeds : scan.Feeds;
        if (feedPaths.Count == 0)
            throw new UsageException($"no feed to read the transactions from: {(File.Exists(summaryPath) ? $"{summaryPath} names none" : $"{summaryPath} is missing")}; pass --feed FEED");
        if (feedPaths.Contains("-"))
            throw new UsageException(r.Feeds.Length > 0 ? "--feed -: a report reads its feeds again, so they must be files"
                : "the scan read its feed from standard input, which cannot be read again: pass the same data as --feed FILE");
        foreach (var f in feedPaths)
            if (!File.Exists(f)) throw new IOException($"feed {f}: no such file (it was scanned, but is gone; pass its new place with --feed)");

        var read = FeedGlue.Read(feedPaths, FeedOptions(r, scan), subject, Console.Error);
        var c = TransactionSelector.Select(subject, read.Transactions, read.BaseCurrency ?? scan.BaseCurrency, feedPaths, r.Cap);
        byte[] bytes;
        if (format == "goaml")
        {
            var when = DateTimeOffset.UtcNow;
            bytes = GoamlReportWriter.Write(c, new GoamlReportWriter.Options
            {
                Entity = entity!, ReportCode = r.ReportCode, SubmissionDate = when,
                EntityReference = r.Reference ?? $"SG-{SafeName(subject.Subject)}-{when:yyyyMMddHHmmss}",
            });
            // What leaves here is checked against the schema subset first.
            var errors = GoamlCodes.Validate(new MemoryStream(bytes));
            if (errors.Count > 0)
                throw new ReportDataException($"the goAML report does not validate against the schema subset, so it was not written: {string.Join("; ", errors.Take(5))}");
        }
        else bytes = CsvReportWriter.Write(c);

        string outPath = r.Out ?? Path.Combine(r.Dir, $"report-{SafeName(subject.Subject)}.{(format == "goaml" ? "xml" : "csv")}");
        string? summaryOut = r.Summary ?? (outPath == "-" ? null : outPath + ".summary.md");
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string? temp = null;
        if (outPath != "-")
        {
            var full = Path.GetFullPath(outPath);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            temp = full + $".{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, bytes);
        }
        try
        {
            Audit(r.Db, subject, format, outPath == "-" ? "-" : Path.GetFullPath(outPath), sha, c.Transactions.Count);
        }
        catch
        {
            if (temp is not null) File.Delete(temp);
            throw;
        }
        if (temp is not null) File.Move(temp, Path.GetFullPath(outPath), overwrite: true);
        else
        {
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(bytes);
        }
        if (summaryOut is not null) File.WriteAllText(summaryOut, ReportSummaryWriter.Write(c, outPath == "-" ? null : outPath), new UTF8Encoding(false));

        Console.Error.WriteLine($"{(format == "goaml" ? "goAML" : "CSV")} report on {subject.Subject} ({subject.Role}, {subject.Level}): {c.Transactions.Count} transactions" +
            (c.Omitted > 0 ? $" ({c.Omitted} left out past --max-transactions {c.Cap})" : "") +
            $", written to {(outPath == "-" ? "standard output" : outPath)}, SHA-256 {sha}" + (summaryOut is null ? "" : $"; summary {summaryOut}"));
        if (c.NotFound.Count > 0)
            Console.Error.WriteLine($"safeguard: {c.NotFound.Count} transactions named by the indicators are in no feed: {string.Join(", ", c.NotFound.Take(5))}{(c.NotFound.Count > 5 ? ", ..." : "")}");
        if (read.Errors > 0) Console.Error.WriteLine($"safeguard: {read.Errors} feed rows or files could not be read (above); the report holds the rest");
        return lookup.Errors.Count > 0 || read.Errors > 0 ? ExitCodes.SomeFailed : ExitCodes.Ok;
    }

    /// <summary>The feeds are read as the scan read them: its rates table (unless --rates), and the given format and mapping.</summary>
    private static FeedOptions FeedOptions(Request r, ScanSummary scan)
    {
        var format = r.FeedFormat.ToLowerInvariant() switch
        {
            "auto" => FeedFormat.Auto,
            "csv" => FeedFormat.Csv,
            "jsonl" or "json" => FeedFormat.JsonLines,
            var other => throw new UsageException($"--feed-format must be auto, csv or jsonl, not \"{other}\""),
        };
        ColumnMapping columns;
        try { columns = ColumnMapping.Parse(r.Map); }
        catch (FormatException e) { throw new UsageException(e.Message); }
        CurrencyRates? rates = null;
        if ((r.Rates ?? scan.Rates) is { } ratesPath)
        {
            if (!File.Exists(ratesPath)) throw new IOException($"rates {ratesPath}: no such file{(r.Rates is null ? " (summary.json names it; pass its new place with --rates)" : "")}");
            rates = CurrencyRates.Load(ratesPath, scan.BaseCurrency.Length == 3 ? scan.BaseCurrency : null);
        }
        return new FeedOptions { Format = format, Columns = columns, Rates = rates };
    }

    private static void Audit(string? db, ScanSubject subject, string format, string path, string sha, int transactions)
    {
        var detail = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["format"] = format, ["out"] = path, ["sha256"] = sha, ["role"] = subject.Role, ["level"] = subject.Level,
            ["transactions"] = transactions,
        });
        Task.Run(async () =>
        {
            await using var server = await ServerDb.OpenAsync(new ServerOptions { Db = db }.ResolveDb());
            await new AuditLog(server).AppendAsync(KeysCommand.Actor(), AuditAction, subject.Subject, detail);
        }).GetAwaiter().GetResult();
    }

    /// <summary>A subject id as part of a file name.</summary>
    internal static string SafeName(string s)
    {
        var name = new string([.. s.Take(100).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return name.Trim('.') is { Length: > 0 } n ? n : "subject";
    }
}

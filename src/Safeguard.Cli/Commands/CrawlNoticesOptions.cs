using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Safeguard.Crawl.Notices.Rechecks;
using Safeguard.Crawl.Notices.Rendering;
using Safeguard.Crawl.Notices.Sending;
using Safeguard.Crawl.Notices.Storage;
using Safeguard.Storage;
using Safeguard.Storage.Postgres;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Cli.Commands;

/// <summary>The options the notice commands share (crawl database, SMTP, templates, re-check timing), and turning them into objects.</summary>
public static class CrawlNoticesOptions
{
    /// <summary>The crawl database inside a crawl's output folder.</summary>
    public const string DatabaseFileName = "crawl.db";

    public static readonly Option<string?> CrawlDb = new("--crawl-db")
    {
        Description = $"The crawl database: a PostgreSQL connection (postgres://... or Host=...) or a SQLite file, instead of DIR/{DatabaseFileName}",
    };

    public static readonly Option<string?> SmtpHost = new("--smtp-host") { Description = "SMTP server to mail notices through (without it, notices are queued for a person to send)" };
    public static readonly Option<int> SmtpPort = new("--smtp-port") { Description = "SMTP port (default 587; 465 for --smtp-security tls; 25 for none)" };
    public static readonly Option<SmtpSecurity?> SmtpSecurityOption = new("--smtp-security") { Description = "starttls (required upgrade, the default), tls (TLS from the start) or none (plain text: a relay on this machine only)" };
    public static readonly Option<string?> SmtpUser = new("--smtp-user") { Description = "SMTP user name (the password comes from --smtp-password-env or --smtp-password-file)" };
    public static readonly Option<string?> SmtpPasswordEnv = new("--smtp-password-env") { Description = "Name of the environment variable holding the SMTP password" };
    public static readonly Option<string?> SmtpPasswordFile = new("--smtp-password-file") { Description = "File holding the SMTP password (one line)" };
    public static readonly Option<string?> From = new("--from") { Description = "Sender address of notices (required with --smtp-host)" };
    public static readonly Option<string?> ReplyTo = new("--reply-to") { Description = "Reply-To address of notices" };
    public static readonly Option<string> Sender = new("--sender") { Description = "Who signs the notices (the {{sender}} field)", DefaultValueFactory = _ => "Safeguard hotline" };
    public static readonly Option<string?> Template = new("--template") { Description = "Notice email template file (see docs/crawling-notices.md)" };
    public static readonly Option<string?> EscalationTemplate = new("--escalation-template") { Description = "Escalation email template file" };
    public static readonly Option<string> Interval = new("--recheck-interval") { Description = "Time between re-checks of a URL still online, and before the first (30m, 6h, 2d)", DefaultValueFactory = _ => "6h" };
    public static readonly Option<string> MaxBackoff = new("--max-backoff") { Description = "Longest wait between checks after repeated failures (the wait doubles per failure)", DefaultValueFactory = _ => "2d" };
    public static readonly Option<string> EscalateAfter = new("--escalate-after") { Description = "Escalate a notice whose media is still online this long after it was sent", DefaultValueFactory = _ => "3d" };

    /// <summary>What rendering a notice needs.</summary>
    public static void AddTemplates(Command command)
    {
        foreach (var o in new Option[] { Sender, Template, EscalationTemplate }) command.Options.Add(o);
    }

    /// <summary>What sending a notice needs: SMTP, templates, and when its first re-check is due.</summary>
    public static void AddSending(Command command)
    {
        foreach (var o in new Option[] { SmtpHost, SmtpPort, SmtpSecurityOption, SmtpUser, SmtpPasswordEnv, SmtpPasswordFile, From, ReplyTo, Interval })
            command.Options.Add(o);
        AddTemplates(command);
    }

    public static async Task<Database> OpenAsync(ParseResult parse, string dir, CancellationToken ct)
    {
        Database db;
        var explicitDb = parse.GetValue(CrawlDb);
        if (explicitDb is not null && ConnectionStrings.IsPostgres(explicitDb)) db = new PostgresDatabase(ConnectionStrings.ToNpgsql(explicitDb));
        else
        {
            var path = explicitDb ?? Path.Combine(dir, DatabaseFileName);
            if (!File.Exists(path)) throw new UsageException($"{path}: no crawl database (run `safeguard crawl ... --out {dir}` first, or give --crawl-db)");
            var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 }.ToString();
            db = new SqliteDatabase(path, cs, "PRAGMA busy_timeout = 30000");
        }
        try
        {
            await using (var conn = await db.OpenConnectionAsync(ct))
                if (!await db.HasTablesAsync(conn, null, "sightings"))
                    throw new InvalidOperationException($"{db.Describe}: no sightings table; is this a crawl database?");
            await NoticesSchema.MigrateAsync(db, ct);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <param name="sending">False for a command that only renders (registered <see cref="AddTemplates"/>, not <see cref="AddSending"/>).</param>
    public static NoticeDispatcher Dispatcher(ParseResult parse, NoticeStore store, bool sending = true)
    {
        var notice = parse.GetValue(Template) is { } t ? NoticeTemplate.Load(t) : NoticeTemplate.DefaultNotice;
        var escalation = parse.GetValue(EscalationTemplate) is { } e ? NoticeTemplate.Load(e) : NoticeTemplate.DefaultEscalation;
        return sending
            ? new NoticeDispatcher(store, Mailer(parse), notice, escalation, parse.GetValue(Sender)!, Duration(parse, Interval))
            : new NoticeDispatcher(store, null, notice, escalation, parse.GetValue(Sender)!, TimeSpan.FromHours(6));
    }

    private static SmtpMailer? Mailer(ParseResult parse)
    {
        var host = parse.GetValue(SmtpHost);
        if (host is null)
        {
            if (parse.GetValue(SmtpUser) is not null || parse.GetValue(From) is not null) throw new UsageException("--smtp-user and --from need --smtp-host");
            return null;
        }
        var from = parse.GetValue(From) ?? throw new UsageException("--smtp-host needs --from (the sender address)");
        var security = parse.GetValue(SmtpSecurityOption) ?? SmtpSecurity.Starttls;
        int port = parse.GetValue(SmtpPort);
        if (port == 0) port = security switch { SmtpSecurity.Tls => 465, SmtpSecurity.None => 25, _ => 587 };
        if (port is < 1 or > 65535) throw new UsageException("--smtp-port must be 1..65535");
        string? password;
        try { password = SmtpSettings.ReadPassword(parse.GetValue(SmtpPasswordEnv), parse.GetValue(SmtpPasswordFile)); }
        catch (ArgumentException ex) { throw new UsageException(ex.Message); }
        if (password is not null && parse.GetValue(SmtpUser) is null) throw new UsageException("an SMTP password needs --smtp-user");
        return new SmtpMailer(new SmtpSettings
        {
            Host = host, Port = port, Security = security, User = parse.GetValue(SmtpUser), Password = password, From = from, ReplyTo = parse.GetValue(ReplyTo),
        });
    }

    public static RecheckOptions Recheck(ParseResult parse) => new()
    {
        Interval = Duration(parse, Interval),
        MaxBackoff = Duration(parse, MaxBackoff),
        EscalateAfter = Duration(parse, EscalateAfter),
    };

    public static TimeSpan Duration(ParseResult parse, Option<string> option)
    {
        var text = parse.GetValue(option)!;
        return ParseDuration(text) ?? throw new UsageException($"{option.Name}: '{text}' is not a duration (a number followed by s, m, h or d: 90s, 30m, 6h, 3d)");
    }

    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length < 2 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 1e6)
            return null;
        return char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }
}


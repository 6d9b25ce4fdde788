using System.CommandLine;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;

namespace Safeguard.Cli.Commands.Payments;

/// <summary>The options every command that reads feeds shares: format, column mapping, rates, caps, indicators.</summary>
internal sealed class FeedOptionSet
{
    public Option<string> Format { get; } = new("--format") { Description = "Feed format: auto (by extension, else by the first character), csv or jsonl", DefaultValueFactory = _ => "auto" };
    public Option<string[]> Map { get; } = new("--map") { Description = "Other column names: standard=header pairs, comma-separated (e.g. id=txn_ref,timestamp=booked_at)", AllowMultipleArgumentsPerToken = true };
    public Option<string?> Rates { get; } = new("--rates") { Description = "Currency rates CSV (currency,rate_to_base); needed when a feed has more than one currency" };
    public Option<string?> BaseCurrency { get; } = new("--base-currency") { Description = "The base currency of --rates (default: the one with rate 1)" };
    public Option<int> MaxRecordChars { get; } = new("--max-record-chars") { Description = "Rows longer than this are skipped with an error", DefaultValueFactory = _ => 64 * 1024 };
    public Option<string?> Indicators { get; } = new("--indicators") { Description = "Indicator weights, thresholds and lists (JSON; default: the shipped data/payments/indicators.json)" };
    public Option<string?> Known { get; } = new("--known") { Description = "Known facilitators: a file with one account per line (# comments); anyone who pays one is raised" };

    public void AddTo(Command command)
    {
        command.Options.Add(Format);
        command.Options.Add(Map);
        command.Options.Add(Rates);
        command.Options.Add(BaseCurrency);
        command.Options.Add(MaxRecordChars);
        command.Options.Add(Indicators);
        command.Options.Add(Known);
    }

    public FeedOptions FeedOptions(ParseResult parse)
    {
        var format = parse.GetValue(Format)?.ToLowerInvariant() switch
        {
            "auto" or null => FeedFormat.Auto,
            "csv" => FeedFormat.Csv,
            "jsonl" or "json" => FeedFormat.JsonLines,
            var other => throw new UsageException($"--format must be auto, csv or jsonl, not \"{other}\""),
        };
        ColumnMapping columns;
        try { columns = ColumnMapping.Parse(parse.GetValue(Map) ?? []); }
        catch (FormatException e) { throw new UsageException(e.Message); }
        CurrencyRates? rates = null;
        if (parse.GetValue(Rates) is { } ratesPath)
        {
            if (!File.Exists(ratesPath)) throw new UsageException($"--rates {ratesPath}: no such file");
            try { rates = CurrencyRates.Load(ratesPath, parse.GetValue(BaseCurrency)); }
            catch (FormatException e) { throw new UsageException($"--rates: {e.Message}"); }
        }
        else if (parse.GetValue(BaseCurrency) is not null) throw new UsageException("--base-currency needs --rates");
        int max = parse.GetValue(MaxRecordChars);
        if (max is < 256 or > 64 * 1024 * 1024) throw new UsageException("--max-record-chars must be between 256 and 67108864");
        return new FeedOptions { Format = format, Columns = columns, Rates = rates, MaxRecordChars = max };
    }

    public PaymentsAnalyzer Analyzer(ParseResult parse)
    {
        IndicatorSettings settings;
        if (parse.GetValue(Indicators) is { } path)
        {
            if (!File.Exists(path)) throw new UsageException($"--indicators {path}: no such file");
            try { settings = IndicatorSettings.Load(path); }
            catch (FormatException e) { throw new UsageException($"--indicators: {e.Message}"); }
        }
        else settings = IndicatorSettings.Default;
        return new PaymentsAnalyzer(settings, KnownList(parse.GetValue(Known)));
    }

    private static List<string> KnownList(string? path)
    {
        if (path is null) return [];
        if (!File.Exists(path)) throw new UsageException($"--known {path}: no such file");
        var known = new List<string>();
        int line = 0;
        foreach (var raw in File.ReadLines(path))
        {
            line++;
            var text = raw.Trim();
            if (text.Length == 0 || text[0] == '#') continue;
            var account = text.Split(',')[0].Trim();
            if (account.Length > 256) throw new UsageException($"--known {path}:{line}: account longer than 256 characters");
            if (line == 1 && account.Equals("account", StringComparison.OrdinalIgnoreCase)) continue;
            known.Add(account);
        }
        return known;
    }
}

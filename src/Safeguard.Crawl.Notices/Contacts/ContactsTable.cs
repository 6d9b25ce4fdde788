using System.Globalization;
using System.Net;
using Safeguard.Csv;

namespace Safeguard.Crawl.Notices.Contacts;

/// <summary>
/// The operator's contacts table: which provider hosts a URL, decided by its host name (exact,
/// then the longest <c>*.suffix</c> wildcard), then its server IP (longest prefix), then the IP's
/// ASN (from an optional IP-range→ASN file). Anything else is <see cref="Provider.Unassigned"/>.
/// </summary>
public sealed class ContactsTable
{
    /// <summary>Longest record either file may hold; longer ones are reported and skipped.</summary>
    public const int MaxRecordChars = 8 * 1024;
    private const int MaxProblems = 100;

    public static readonly string[] Columns = ["match", "provider", "abuse_email", "web_form", "escalation_email", "escalation_contact", "language", "notes"];

    private readonly Dictionary<string, (Provider Provider, string Rule)> _exactHosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Provider Provider, string Rule)> _wildcards = new(StringComparer.Ordinal);
    private readonly IpPrefixTable<(Provider Provider, string Rule)> _ranges = new();
    private readonly Dictionary<uint, (Provider Provider, string Rule)> _asns = [];
    private readonly IpPrefixTable<uint> _asnRanges = new();

    public IReadOnlyDictionary<string, Provider> Providers => _providers;
    private readonly Dictionary<string, Provider> _providers = new(StringComparer.OrdinalIgnoreCase);

    public int RuleCount => _exactHosts.Count + _wildcards.Count + _ranges.Count + _asns.Count;
    public int AsnRangeCount => _asnRanges.Count;

    private ContactsTable() { }

    public static ContactsTable Empty { get; } = new();

    /// <summary>Reads a contacts file (and an IP-range→ASN file); throws <see cref="ContactsException"/> listing every problem.</summary>
    public static ContactsTable Load(string contactsPath, string? asnRangesPath = null)
    {
        var table = new ContactsTable();
        var problems = new List<string>();
        try
        {
            using (var reader = File.OpenText(contactsPath)) table.ReadContacts(reader, contactsPath, problems);
            if (asnRangesPath is not null)
                using (var reader = File.OpenText(asnRangesPath)) table.ReadAsnRanges(reader, asnRangesPath, problems);
        }
        catch (IOException ex) { problems.Add(ex.Message); }
        catch (UnauthorizedAccessException ex) { problems.Add(ex.Message); }
        if (problems.Count > 0) throw new ContactsException(problems);
        return table;
    }

    /// <summary>Reads from text (for tests and the service); <paramref name="name"/> names the input in messages.</summary>
    public static ContactsTable Parse(string name, TextReader contacts, TextReader? asnRanges = null, string asnName = "asn-ranges")
    {
        var table = new ContactsTable();
        var problems = new List<string>();
        table.ReadContacts(contacts, name, problems);
        if (asnRanges is not null) table.ReadAsnRanges(asnRanges, asnName, problems);
        if (problems.Count > 0) throw new ContactsException(problems);
        return table;
    }

    /// <summary>The provider for a URL's host and the IP address it was served from.</summary>
    public Assignment Resolve(string host, string? serverIp)
    {
        host = NormaliseHost(host) ?? host.ToLowerInvariant();
        if (_exactHosts.TryGetValue(host, out var exact)) return Found(exact);
        // Most specific wildcard first: a.b.example.com tries *.b.example.com, then *.example.com, then *.com.
        for (int dot = host.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = host.IndexOf('.', dot + 1))
            if (_wildcards.TryGetValue(host[(dot + 1)..], out var wild)) return Found(wild);
        if (serverIp is not null && IPAddress.TryParse(serverIp, out var ip))
        {
            if (_ranges.TryMatch(ip, out var range, out _)) return Found(range);
            if (_asnRanges.TryMatch(ip, out var asn, out _) && _asns.TryGetValue(asn, out var byAsn)) return Found(byAsn);
        }
        return new(Provider.Unassigned, "no rule");
    }

    // A provider named on several rows is merged as rows are read; rules made earlier name its first record.
    private Assignment Found((Provider Provider, string Rule) entry) => new(_providers[entry.Provider.Name], entry.Rule);

    private void ReadContacts(TextReader reader, string file, List<string> problems)
    {
        var csv = new CsvRecordReader(reader, MaxRecordChars, maxFields: Columns.Length + 1);
        var fields = new List<string>();
        int[]? map = null;
        var firstLine = new Dictionary<string, long>(StringComparer.Ordinal);
        var providerLine = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        while (problems.Count < MaxProblems && csv.TryRead(fields, out var error))
        {
            string at = $"{file}:{csv.RecordLine}";
            if (error is not null) { problems.Add($"{at}: {error}"); continue; }
            if (fields.Count == 1 && fields[0].Trim().Length == 0) continue;
            if (fields[0].TrimStart().StartsWith('#')) continue;
            if (map is null)
            {
                map = HeaderMap(fields, at, problems);
                if (map is null) return;
                continue;
            }
            string Get(string column)
            {
                int i = map[Array.IndexOf(Columns, column)];
                return i >= 0 && i < fields.Count ? CsvField.Unguard(fields[i].Trim()) : "";
            }
            var match = Get("match");
            var name = Get("provider");
            if (match.Length == 0 || name.Length == 0) { problems.Add($"{at}: 'match' and 'provider' are required"); continue; }
            if (!Text(name, 200, at, "provider", problems)) continue;
            var provider = new Provider(name, Optional(Get("abuse_email")), Optional(Get("web_form")), Optional(Get("escalation_email")),
                Optional(Get("escalation_contact")), Optional(Get("language")), Optional(Get("notes")));
            if (!ValidProvider(provider, at, problems)) continue;
            provider = MergeProvider(provider, at, providerLine, csv.RecordLine, problems);
            if (provider is null) continue;
            var rule = $"{file}:{csv.RecordLine} {match}";
            if (!AddRule(match, (provider, rule), at, firstLine, csv.RecordLine, problems)) continue;
        }
        if (map is null && problems.Count == 0) problems.Add($"{file}: empty: expected a header line '{string.Join(',', Columns)}'");
    }

    private static int[]? HeaderMap(List<string> header, string at, List<string> problems)
    {
        var map = Enumerable.Repeat(-1, Columns.Length).ToArray();
        for (int i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            int column = Array.IndexOf(Columns, name);
            if (column < 0) { problems.Add($"{at}: unknown column '{Shorten(header[i])}' (columns: {string.Join(',', Columns)})"); return null; }
            if (map[column] >= 0) { problems.Add($"{at}: column '{name}' appears twice"); return null; }
            map[column] = i;
        }
        if (map[0] < 0 || map[1] < 0) { problems.Add($"{at}: the header must name the 'match' and 'provider' columns"); return null; }
        return map;
    }

    private bool AddRule(string match, (Provider, string) entry, string at, Dictionary<string, long> firstLine, long line, List<string> problems)
    {
        string key;
        if (match.Length > 2 && match[..2].Equals("AS", StringComparison.OrdinalIgnoreCase) && char.IsAsciiDigit(match[2]))
        {
            if (!uint.TryParse(match.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var asn))
            { problems.Add($"{at}: '{Shorten(match)}' is not an AS number (AS0..AS4294967295)"); return false; }
            key = "AS" + asn.ToString(CultureInfo.InvariantCulture);
            if (!Unique(key, at, firstLine, line, problems)) return false;
            _asns[asn] = entry;
            return true;
        }
        if (match.Contains(':', StringComparison.Ordinal) || match.Contains('/', StringComparison.Ordinal) || match.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            if (!IpRange.TryParse(match, out var network, out var prefix, out var error)) { problems.Add($"{at}: {error}"); return false; }
            key = $"{network}/{prefix}";
            if (!Unique(key, at, firstLine, line, problems)) return false;
            _ranges.TryAdd(network, prefix, entry);
            return true;
        }
        bool wildcard = match.StartsWith("*.", StringComparison.Ordinal);
        var host = NormaliseHost(wildcard ? match[2..] : match);
        if (host is null || host.Contains('*', StringComparison.Ordinal))
        { problems.Add($"{at}: '{Shorten(match)}' is not an IP range, AS number, host name or *.wildcard host"); return false; }
        key = wildcard ? "*." + host : host;
        if (!Unique(key, at, firstLine, line, problems)) return false;
        (wildcard ? _wildcards : _exactHosts)[host] = entry;
        return true;
    }

    private static bool Unique(string key, string at, Dictionary<string, long> firstLine, long line, List<string> problems)
    {
        if (firstLine.TryGetValue(key, out var first)) { problems.Add($"{at}: '{key}' already mapped on line {first}"); return false; }
        firstLine[key] = line;
        return true;
    }

    // Several rows may name one provider; its contact details must agree (a blank inherits).
    private Provider? MergeProvider(Provider p, string at, Dictionary<string, long> providerLine, long line, List<string> problems)
    {
        if (!_providers.TryGetValue(p.Name, out var known))
        {
            _providers[p.Name] = p;
            providerLine[p.Name] = line;
            return p;
        }
        string? Pick(string field, string? mine, string? theirs)
        {
            if (mine is null || theirs is null || mine == theirs) return mine ?? theirs;
            problems.Add($"{at}: provider '{p.Name}' has {field} '{Shorten(mine)}' here but '{Shorten(theirs)}' on line {providerLine[p.Name]}");
            return theirs;
        }
        int before = problems.Count;
        var merged = new Provider(known.Name, Pick("abuse_email", p.AbuseEmail, known.AbuseEmail), Pick("web_form", p.WebForm, known.WebForm),
            Pick("escalation_email", p.EscalationEmail, known.EscalationEmail), Pick("escalation_contact", p.EscalationContact, known.EscalationContact),
            Pick("language", p.Language, known.Language), Pick("notes", p.Notes, known.Notes));
        if (problems.Count > before) return null;
        if (merged != known)
        {
            // Rules already pointing at the old record keep working: providers are looked up by name when notices are made.
            _providers[p.Name] = merged;
        }
        return merged;
    }

    private static bool ValidProvider(Provider p, string at, List<string> problems)
    {
        int before = problems.Count;
        Email(p.AbuseEmail, at, "abuse_email", problems);
        Email(p.EscalationEmail, at, "escalation_email", problems);
        if (p.WebForm is { } form && (!Uri.TryCreate(form, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || form.Length > 2000))
            problems.Add($"{at}: web_form '{Shorten(form)}' is not an http(s) URL");
        Text(p.EscalationContact, 500, at, "escalation_contact", problems);
        Text(p.Language, 35, at, "language", problems);
        Text(p.Notes, 2000, at, "notes", problems);
        return problems.Count == before;
    }

    private static void Email(string? value, string at, string column, List<string> problems)
    {
        if (value is null) return;
        int atSign = value.IndexOf('@', StringComparison.Ordinal);
        // No spaces or control characters: an address goes into mail headers, where a CR/LF would inject new ones.
        bool ok = value.Length <= 254 && atSign > 0 && atSign == value.LastIndexOf('@') && atSign < value.Length - 1
            && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"');
        if (!ok) problems.Add($"{at}: {column} '{Shorten(value)}' is not an email address");
    }

    private static bool Text(string? value, int max, string at, string column, List<string> problems)
    {
        if (value is null) return true;
        if (value.Length > max) { problems.Add($"{at}: {column} longer than {max} characters"); return false; }
        if (value.Any(c => char.IsControl(c) && c != '\n')) { problems.Add($"{at}: {column} holds control characters"); return false; }
        return true;
    }

    private void ReadAsnRanges(TextReader reader, string file, List<string> problems)
    {
        var csv = new CsvRecordReader(reader, 512, maxFields: 3);
        var fields = new List<string>();
        bool header = false;
        while (problems.Count < MaxProblems && csv.TryRead(fields, out var error))
        {
            string at = $"{file}:{csv.RecordLine}";
            if (error is not null) { problems.Add($"{at}: {error}"); continue; }
            if (fields.Count == 1 && fields[0].Trim().Length == 0) continue;
            if (fields[0].TrimStart().StartsWith('#')) continue;
            if (!header)
            {
                header = true;
                if (fields.Count == 2 && fields[0].Trim().TrimStart('\uFEFF').Equals("range", StringComparison.OrdinalIgnoreCase)
                    && fields[1].Trim().Equals("asn", StringComparison.OrdinalIgnoreCase)) continue;
                problems.Add($"{at}: expected the header line 'range,asn'");
                return;
            }
            if (fields.Count != 2) { problems.Add($"{at}: expected 2 fields (range,asn), found {fields.Count}"); continue; }
            if (!IpRange.TryParse(fields[0].Trim(), out var network, out var prefix, out var rangeError)) { problems.Add($"{at}: {rangeError}"); continue; }
            var asnText = fields[1].Trim();
            if (asnText.StartsWith("AS", StringComparison.OrdinalIgnoreCase)) asnText = asnText[2..];
            if (!uint.TryParse(asnText, NumberStyles.None, CultureInfo.InvariantCulture, out var asn)) { problems.Add($"{at}: '{Shorten(fields[1])}' is not an AS number"); continue; }
            if (!_asnRanges.TryAdd(network, prefix, asn)) problems.Add($"{at}: range {network}/{prefix} listed twice");
        }
        if (!header && problems.Count == 0) problems.Add($"{file}: empty: expected a header line 'range,asn'");
    }

    /// <summary>Lower-case ASCII (IDN labels as punycode) without a trailing dot, or null when not a host name.</summary>
    public static string? NormaliseHost(string host)
    {
        host = host.Trim().TrimEnd('.');
        if (host.Length is 0 or > 253) return null;
        try { host = new IdnMapping().GetAscii(host).ToLowerInvariant(); }
        catch (ArgumentException) { return null; }
        return Uri.CheckHostName(host) == UriHostNameType.Dns ? host : null;
    }

    private static string? Optional(string value) => value.Length == 0 ? null : value;
    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";
}

using System.Globalization;
using Safeguard.Conversations.Text;

namespace Safeguard.Conversations.Lexicons;

/// <summary>Parses the lexicon file formats described in data/conversations/lexicons/en/README.md.</summary>
internal static class LexiconParser
{
    public sealed record RawSection(IndicatorDefinition Indicator, List<string> Phrases);

    public static List<RawSection> ParseLex(string fileName, string content)
    {
        var sections = new List<RawSection>();
        string? family = null;
        RawSection? current = null;
        var lineNo = 0;
        foreach (var rawLine in content.Split('\n'))
        {
            lineNo++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("family:", StringComparison.Ordinal))
            {
                family = line["family:".Length..].Trim();
                continue;
            }
            if (line.StartsWith('['))
            {
                if (family is null) throw Error(fileName, lineNo, "a section before the family: line");
                current = new RawSection(ParseHeader(fileName, lineNo, line, family), []);
                sections.Add(current);
                continue;
            }
            if (current is null) throw Error(fileName, lineNo, "a phrase before any [indicator] section");
            current.Phrases.Add(line);
        }
        return sections;
    }

    private static IndicatorDefinition ParseHeader(string fileName, int lineNo, string line, string family)
    {
        var close = line.IndexOf(']');
        if (close < 2) throw Error(fileName, lineNo, "an indicator header needs [id]");
        var id = line[1..close].Trim();
        var parts = line[(close + 1)..].Split('|', StringSplitOptions.TrimEntries);
        if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight is < 0 or > 1)
            throw Error(fileName, lineNo, $"indicator {id} needs a weight from 0 to 1");
        var description = parts.Length > 1 ? parts[1] : id;
        var suppress = new HashSet<string>(StringComparer.Ordinal);
        var negatable = true;
        foreach (var part in parts.Skip(2))
        {
            if (part.StartsWith("suppress:", StringComparison.Ordinal))
                suppress.UnionWith(part["suppress:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            else if (part.StartsWith("negatable:", StringComparison.Ordinal))
                negatable = part["negatable:".Length..].Trim() != "no";
            else throw Error(fileName, lineNo, $"unknown header field \"{part}\"");
        }
        return new IndicatorDefinition(id, family, weight, description, suppress, negatable);
    }

    /// <summary>Reads "key&lt;TAB&gt;value" lines, skipping comments.</summary>
    public static List<(string Key, string Value)> ParseTsv(string fileName, string content)
    {
        var rows = new List<(string, string)>();
        var lineNo = 0;
        foreach (var rawLine in content.Split('\n'))
        {
            lineNo++;
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.StartsWith('#')) continue;
            var tab = line.IndexOf('\t');
            if (tab <= 0) throw Error(fileName, lineNo, "expected key<TAB>value");
            rows.Add((line[..tab].Trim(), line[(tab + 1)..].Trim()));
        }
        return rows;
    }

    /// <summary>Compiles a phrase with the same normaliser as messages; marker tokens ("url:x") pass through.</summary>
    public static PatternToken[] CompilePhrase(string phrase, TextNormalizer normalizer)
    {
        var tokens = new List<PatternToken>();
        foreach (var word in phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word == "*") { tokens.Add(new PatternToken("*", false, true)); continue; }
            if (word.Contains(':')) { tokens.Add(new PatternToken(word, false, false)); continue; }
            var prefix = word.EndsWith('*');
            var normalized = normalizer.Normalize(prefix ? word[..^1] : word).Tokens;
            for (var i = 0; i < normalized.Length; i++)
                tokens.Add(new PatternToken(normalized[i], prefix && i == normalized.Length - 1, false));
        }
        return [.. tokens];
    }

    private static FormatException Error(string file, int line, string what) => new($"{file}:{line}: {what}");
}

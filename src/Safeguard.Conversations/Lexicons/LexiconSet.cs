using System.Reflection;
using Safeguard.Conversations.Text;

namespace Safeguard.Conversations.Lexicons;

/// <summary>
/// All lexicons of one language: normalisation tables plus indicator phrases, compiled for fast matching.
/// Immutable and safe to share between threads.
/// </summary>
public sealed class LexiconSet
{
    private static readonly Lazy<LexiconSet> English = new(() => LoadEmbedded("en"));

    private readonly Dictionary<string, List<Phrase>> _byFirstToken = new(StringComparer.Ordinal);
    private readonly List<Phrase> _prefixFirst = [];
    private static readonly HashSet<string> Negations = ["dont", "never", "not", "wont", "shouldnt", "didnt", "doesnt", "no", "cant"];

    public string Language { get; }
    public TextNormalizer Normalizer { get; }
    public IReadOnlyList<IndicatorDefinition> Indicators { get; }

    private LexiconSet(string language, NormalizationTables tables, List<LexiconParser.RawSection> sections, Dictionary<string, int> numberWords)
    {
        Language = language;
        Normalizer = new TextNormalizer(tables);
        Indicators = sections.Select(s => s.Indicator).ToList();
        var ageWords = new Dictionary<string, List<string[]>>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            if (section.Indicator.Family == AgeFamily && AgeReader.IsWordList(section.Indicator.Id))
            {
                if (!ageWords.TryGetValue(section.Indicator.Id, out var list)) ageWords[section.Indicator.Id] = list = [];
                list.AddRange(section.Phrases.Select(p => LexiconParser.CompilePhrase(p, Normalizer).Select(t => t.Text).ToArray())
                    .Where(c => c.Length > 0));
                continue;
            }
            AddPhrases(section);
        }
        // Number words are folded like message text ("fünf" is read as "funf").
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (word, value) in numberWords)
            if (Normalizer.Normalize(word).Tokens is [var token]) numbers[token] = value;
        _ages = new AgeReader(ageWords, numbers);
    }

    private void AddPhrases(LexiconParser.RawSection section)
    {
        foreach (var text in section.Phrases)
        {
            var tokens = LexiconParser.CompilePhrase(text, Normalizer);
            if (tokens.Length == 0 || tokens[0].IsGap) continue;
            var phrase = new Phrase(section.Indicator, tokens, text);
            if (tokens[0].IsPrefix) _prefixFirst.Add(phrase);
            else
            {
                if (!_byFirstToken.TryGetValue(tokens[0].Text, out var list)) _byFirstToken[tokens[0].Text] = list = [];
                list.Add(phrase);
            }
        }
    }

    public const string AgeFamily = "age";

    /// <summary>The age-family indicator for questions whose answer is an age ("how old are you", "asl").</summary>
    public const string AgeQuestion = "age-question";

    private readonly AgeReader _ages;

    /// <summary>
    /// An age the writer states about themselves ("i'm 13", "14 years old", "just turned 15", "14 f ny", "35/m/ca",
    /// "im thirteen"), if any.
    /// </summary>
    public int? FindSelfStatedAge(string[] tokens) => _ages.FindSelfStated(tokens);

    /// <summary>
    /// A bare age answering an age question: the first number among tokens [start, start + window) when it is a
    /// plausible age rather than a time, count, score or measure ("umm 15" → 15; "gimme 10 mins", "3 1" → none).
    /// </summary>
    public int? FindAgeAnswer(string[] tokens, int start, int window) => _ages.FindAnswer(tokens, start, window);

    /// <summary>The built-in English lexicons.</summary>
    public static LexiconSet Default => English.Value;

    /// <summary>Loads lexicons embedded in this assembly for a language code such as "en".</summary>
    public static LexiconSet LoadEmbedded(string language)
    {
        var assembly = typeof(LexiconSet).Assembly;
        var prefix = $"lexicons/{language}/";
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[prefix.Length..], n => ReadResource(assembly, n));
        if (files.Count == 0) throw new ArgumentException($"no built-in lexicons for language \"{language}\"");
        files[FoldFile] = ReadResource(assembly, "lexicons/" + FoldFile);
        return Build(language, files);
    }

    /// <summary>Loads lexicons from a directory laid out like data/conversations/lexicons/en.</summary>
    public static LexiconSet LoadDirectory(string directory)
    {
        var files = Directory.EnumerateFiles(directory)
            .ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f));
        var sharedFold = Path.Combine(directory, "..", FoldFile);
        if (!files.ContainsKey(FoldFile) && File.Exists(sharedFold)) files[FoldFile] = File.ReadAllText(sharedFold);
        return Build(Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), files);
    }

    /// <summary>The language-independent character folding table, one level above the language directories.</summary>
    private const string FoldFile = "fold.tsv";

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static LexiconSet Build(string language, Dictionary<string, string> files)
    {
        string Table(string name) => files.TryGetValue(name, out var c) ? c : "";
        var sections = files.Where(f => f.Key.EndsWith(".lex", StringComparison.Ordinal))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .SelectMany(f => LexiconParser.ParseLex(f.Key, f.Value)).ToList();
        var shorthand = LexiconParser.ParseTsv("shorthand.tsv", Table("shorthand.tsv"))
            .ToDictionary(r => r.Key, r => r.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var numberWords = LexiconParser.ParseTsv(NumbersFile, Table(NumbersFile))
            .ToDictionary(r => r.Key, r => ParseNumberValue(r.Value), StringComparer.Ordinal);
        var vocabulary = new HashSet<string>(numberWords.Keys, StringComparer.Ordinal);
        foreach (var (key, value) in shorthand)
        {
            vocabulary.Add(key);
            vocabulary.UnionWith(value);
        }
        foreach (var section in sections)
        foreach (var phrase in section.Phrases)
        foreach (var word in phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (!word.Contains(':') && word != "*")
                vocabulary.Add(word.TrimEnd('*').Replace("'", ""));
        var tables = new NormalizationTables
        {
            Shorthand = shorthand,
            Leet = SingleChars(LexiconParser.ParseTsv("leet.tsv", Table("leet.tsv"))),
            Fold = LexiconParser.ParseTsv(FoldFile, Table(FoldFile))
                .Concat(LexiconParser.ParseTsv("confusables.tsv", Table("confusables.tsv")))
                .GroupBy(r => char.ConvertToUtf32(r.Key, 0))
                .ToDictionary(g => g.Key, g => g.Last().Value),
            Emoji = LexiconParser.ParseTsv("emoji.tsv", Table("emoji.tsv"))
                .ToDictionary(r => char.ConvertToUtf32(r.Key, 0), r => r.Value),
            Vocabulary = vocabulary,
        };
        return new LexiconSet(language, tables, sections, numberWords);
    }

    /// <summary>Number words and their values ("thirteen" 13), used to read ages written as words.</summary>
    private const string NumbersFile = "numbers.tsv";

    private static int ParseNumberValue(string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n : throw new FormatException($"{NumbersFile}: \"{value}\" is not a whole number");

    private static Dictionary<char, char> SingleChars(IEnumerable<(string Key, string Value)> rows) =>
        rows.Where(r => r.Key.Length == 1 && r.Value.Length == 1).ToDictionary(r => r.Key[0], r => r.Value[0]);

    /// <summary>
    /// Finds indicator phrases in normalised tokens: at most one match per indicator, after suppressor words
    /// and negations ("don't send pics to strangers") have been applied.
    /// </summary>
    public List<PhraseMatch> Match(string[] tokens)
    {
        var found = new List<PhraseMatch>();
        HashSet<string>? present = null;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (_byFirstToken.TryGetValue(tokens[i], out var exact))
                foreach (var phrase in exact) TryAdd(phrase, tokens, i, found, ref present);
            foreach (var phrase in _prefixFirst)
                if (phrase.Tokens[0].Matches(tokens[i])) TryAdd(phrase, tokens, i, found, ref present);
        }
        return found;
    }

    private static void TryAdd(Phrase phrase, string[] tokens, int start, List<PhraseMatch> found, ref HashSet<string>? present)
    {
        foreach (var f in found)
            if (ReferenceEquals(f.Indicator, phrase.Indicator)) return;
        var end = MatchFrom(phrase.Tokens, 0, tokens, start);
        if (end < 0) return;
        var indicator = phrase.Indicator;
        if (indicator.Negatable && IsNegated(tokens, start)) return;
        if (indicator.Suppressors.Count > 0)
        {
            present ??= new HashSet<string>(tokens, StringComparer.Ordinal);
            foreach (var word in indicator.Suppressors)
                if (present.Contains(word) || present.Contains(word + "s") || present.Contains(word + "es")) return;
        }
        found.Add(new PhraseMatch(indicator, start, end, phrase.Text));
    }

    private static bool IsNegated(string[] tokens, int start)
    {
        if (start >= 1 && Negations.Contains(tokens[start - 1])) return true;
        return start >= 2 && Negations.Contains(tokens[start - 2]) && tokens[start - 1] is "ever" or "even" or "just" or "you";
    }

    /// <summary>Returns the end position of a match, or -1.</summary>
    private static int MatchFrom(PatternToken[] pattern, int p, string[] tokens, int t)
    {
        if (p == pattern.Length) return t;
        if (pattern[p].IsGap)
        {
            for (var skip = 0; skip <= PatternToken.MaxGap && t + skip <= tokens.Length; skip++)
            {
                var end = MatchFrom(pattern, p + 1, tokens, t + skip);
                if (end >= 0) return end;
            }
            return -1;
        }
        if (t >= tokens.Length || !pattern[p].Matches(tokens[t])) return -1;
        return MatchFrom(pattern, p + 1, tokens, t + 1);
    }
}

namespace Safeguard.Conversations.Lexicons;

/// <summary>
/// Reads ages out of normalised tokens using the word lists of the age lexicon (prefixes, suffixes, sex markers,
/// words that rule a number out) and the number words of numbers.tsv. Immutable; allocation-free per message.
/// </summary>
internal sealed class AgeReader
{
    public const int MinAge = 8, MaxAge = 99;

    public const string Prefix = "self-age-prefix", Suffix = "self-age-suffix", OpeningSuffix = "opening-age-suffix",
        SexMarker = "sex-marker", NotAfter = "not-age", NotBefore = "not-age-before";

    private readonly string[][] _prefixes, _suffixes, _openingSuffixes, _markers, _notAfter;
    private readonly HashSet<string> _notBefore;
    private readonly Dictionary<string, int> _numberWords;

    /// <param name="lists">Compiled phrases of each word-list section, keyed by section id.</param>
    /// <param name="numberWords">Number words and their values.</param>
    public AgeReader(IReadOnlyDictionary<string, List<string[]>> lists, Dictionary<string, int> numberWords)
    {
        string[][] List(string id) => lists.TryGetValue(id, out var l) ? [.. l] : [];
        _prefixes = List(Prefix);
        _suffixes = List(Suffix);
        _openingSuffixes = List(OpeningSuffix);
        _markers = List(SexMarker);
        _notAfter = List(NotAfter);
        _notBefore = new HashSet<string>(List(NotBefore).Where(w => w.Length == 1).Select(w => w[0]), StringComparer.Ordinal);
        _numberWords = numberWords;
    }

    public static bool IsWordList(string sectionId) =>
        sectionId is Prefix or Suffix or OpeningSuffix or SexMarker or NotAfter or NotBefore;

    /// <summary>
    /// An age the writer states about themselves: "i'm 13", "age 13", "14 years old", "14 f ny", "35/m/ca", "f 14",
    /// "13 yrs" opening a message, with digits or number words ("im thirteen", "twenty-five m").
    /// </summary>
    public int? FindSelfStated(string[] tokens)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            if (ReadNumber(tokens, i) is not var (age, length)) continue;
            var next = i + length;
            if (age is >= MinAge and <= MaxAge && IsSelfStated(tokens, i, next)) return age;
            i = next - 1;
        }
        return null;
    }

    private bool IsSelfStated(string[] tokens, int start, int next)
    {
        if (AnyStartsAt(tokens, next, _suffixes) > 0) return true;
        var notAge = AnyStartsAt(tokens, next, _notAfter) > 0;
        var prefix = LongestEndingAt(tokens, start, _prefixes);
        if (prefix > 0 && !notAge && !IsNotBefore(tokens, start - prefix - 1)) return true;
        var lone = !IsNumberAt(tokens, start - 1) && !IsNumberAt(tokens, next);
        if (lone && AnyStartsAt(tokens, next, _markers) > 0) return true;
        var marker = LongestEndingAt(tokens, start, _markers);
        if (lone && marker > 0 && !notAge && !IsNumberAt(tokens, start - marker - 1)) return true;
        if (start != 0) return false;
        var opening = AnyStartsAt(tokens, next, _openingSuffixes);
        return opening > 0 && AnyStartsAt(tokens, next + opening, _notAfter) == 0;
    }

    /// <summary>
    /// A bare age answering a question: the first number among tokens [start, start + window), if it is a plausible
    /// age and not a time, score, count or measure ("umm 15", "15 f cali"; not "gimme 10 mins", "3 1", "at 10").
    /// </summary>
    public int? FindAnswer(string[] tokens, int start, int window)
    {
        var end = Math.Min(tokens.Length, start + window);
        for (var i = Math.Max(0, start); i < end; i++)
        {
            if (ReadNumber(tokens, i) is not var (age, length)) continue;
            var next = i + length;
            var plausible = age is >= MinAge and <= MaxAge && !IsNumberAt(tokens, next) && !IsNumberAt(tokens, i - 1)
                && !IsNotBefore(tokens, i - 1) && AnyStartsAt(tokens, next, _notAfter) == 0;
            return plausible ? age : null;
        }
        return null;
    }

    /// <summary>A number at <paramref name="i"/>: one or two digits, a number word, or tens then units ("twenty five").</summary>
    private (int Value, int Length)? ReadNumber(string[] tokens, int i)
    {
        var token = tokens[i];
        if (token.Length is 1 or 2 && char.IsAsciiDigit(token[0]) && char.IsAsciiDigit(token[^1]))
            return (int.Parse(token, System.Globalization.CultureInfo.InvariantCulture), 1);
        if (!_numberWords.TryGetValue(token, out var value)) return null;
        if (value is >= 20 and < 100 && value % 10 == 0 && i + 1 < tokens.Length
            && _numberWords.TryGetValue(tokens[i + 1], out var unit) && unit is >= 1 and <= 9)
            return (value + unit, 2);
        return (value, 1);
    }

    private bool IsNumberAt(string[] tokens, int i) => i >= 0 && i < tokens.Length && ReadNumber(tokens, i) is not null;

    private bool IsNotBefore(string[] tokens, int i) => i >= 0 && _notBefore.Contains(tokens[i]);

    /// <summary>The length of the first phrase that starts at <paramref name="start"/>, or 0.</summary>
    private static int AnyStartsAt(string[] tokens, int start, string[][] phrases)
    {
        foreach (var words in phrases)
            if (StartsAt(tokens, start, words)) return words.Length;
        return 0;
    }

    /// <summary>The length of the longest phrase that ends right before <paramref name="end"/>, or 0.</summary>
    private static int LongestEndingAt(string[] tokens, int end, string[][] phrases)
    {
        var longest = 0;
        foreach (var words in phrases)
            if (words.Length > longest && EndsAt(tokens, end, words)) longest = words.Length;
        return longest;
    }

    private static bool EndsAt(string[] tokens, int end, string[] words)
    {
        if (end < words.Length) return false;
        for (var k = 0; k < words.Length; k++)
            if (tokens[end - words.Length + k] != words[k]) return false;
        return true;
    }

    private static bool StartsAt(string[] tokens, int start, string[] words)
    {
        if (start < 0 || start + words.Length > tokens.Length) return false;
        for (var k = 0; k < words.Length; k++)
            if (tokens[start + k] != words[k]) return false;
        return true;
    }
}

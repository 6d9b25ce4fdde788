using Safeguard.Conversations.Lexicons;
using Safeguard.Conversations.Text;

namespace Safeguard.Payments.Analysis;

/// <summary>
/// Whether a payment description holds one of the listed phrases, normalised as chat text is (case,
/// accents, look-alike letters, leetspeak, spacing), phrase matched on whole tokens. Descriptions repeat,
/// so answers are cached (bounded) and most rows cost one lookup.
/// </summary>
public sealed class DescriptionClassifier
{
    private const int MaxCached = 100_000;
    private const int MaxChecked = 512;

    private readonly TextNormalizer _normalizer;
    private readonly string[][] _phrases;
    private readonly Dictionary<string, bool> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public DescriptionClassifier(IEnumerable<string> phrases, TextNormalizer? normalizer = null)
    {
        _normalizer = normalizer ?? LexiconSet.Default.Normalizer;
        _phrases = [.. phrases.Select(p => _normalizer.Normalize(p).Tokens).Where(t => t.Length > 0).Distinct(new TokensComparer())];
        _lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool Matches(ReadOnlySpan<char> description)
    {
        if (description.IsEmpty || _phrases.Length == 0) return false;
        if (description.Length > MaxChecked) description = description[..MaxChecked];
        if (_lookup.TryGetValue(description, out var known)) return known;
        var tokens = _normalizer.Normalize(description.ToString()).Tokens;
        bool hit = false;
        foreach (var phrase in _phrases)
            if (Contains(tokens, phrase)) { hit = true; break; }
        if (_cache.Count < MaxCached) _lookup[description] = hit;
        return hit;
    }

    private static bool Contains(string[] tokens, string[] phrase)
    {
        for (int i = 0; i + phrase.Length <= tokens.Length; i++)
        {
            int j = 0;
            while (j < phrase.Length && tokens[i + j] == phrase[j]) j++;
            if (j == phrase.Length) return true;
        }
        return false;
    }

    private sealed class TokensComparer : IEqualityComparer<string[]>
    {
        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);
        public int GetHashCode(string[] obj) => obj.Length == 0 ? 0 : HashCode.Combine(obj[0], obj.Length);
    }
}

using System.Text;

namespace Safeguard.Conversations.Text;

/// <summary>
/// Turns raw message text into comparable tokens: Unicode NFKC, case folding, accents and look-alike letters removed,
/// zero-width and direction controls dropped, emoji read as words, links and @handles turned into marker tokens,
/// leetspeak undone inside words, spaced-out letters ("s e n d") rejoined, and shorthand expanded.
/// </summary>
public sealed class TextNormalizer(NormalizationTables tables)
{
    /// <summary>Text beyond this many characters is not analysed; callers are told via <see cref="NormalizedText.Truncated"/>.</summary>
    public const int MaxAnalysedChars = 1 << 20;

    private const int MaxSpacedRun = 64;

    public NormalizedText Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return new NormalizedText([], false);
        var truncated = text.Length > MaxAnalysedChars;
        if (truncated)
            text = text[..MaxAnalysedChars];
        var folded = Fold(text);
        var tokens = new List<string>();
        var singles = new List<string>();
        foreach (var chunk in folded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            AddChunk(chunk, tokens, singles);
        FlushSingles(tokens, singles);
        return new NormalizedText([.. tokens], truncated);
    }

    /// <summary>
    /// Character-level folding, rune by rune, from data tables (no ICU needed): emoji become words, accented,
    /// full-width, mathematical and look-alike letters become ASCII, invisible and direction controls vanish.
    /// </summary>
    internal string Fold(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            int rune = c;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                rune = char.ConvertToUtf32(c, text[++i]);
            else if (char.IsSurrogate(c)) { result.Append(' '); continue; } // lone surrogate: invalid text, a break
            if (rune <= 0xFFFF && IsInvisible((char)rune)) continue;
            if (rune is >= 0x1F3FB and <= 0x1F3FF) continue; // skin-tone modifiers carry no meaning here
            if (tables.Emoji.TryGetValue(rune, out var word)) { result.Append(' ').Append(word).Append(' '); continue; }
            if (rune <= 0xFFFF)
            {
                var lower = char.ToLowerInvariant((char)rune);
                if (tables.Fold.TryGetValue(lower, out var folded) || tables.Fold.TryGetValue(rune, out folded)) result.Append(folded);
                else if (char.IsControl(lower) || char.IsWhiteSpace(lower)) result.Append(' ');
                else result.Append(lower);
            }
            else if (tables.Fold.TryGetValue(rune, out var folded)) result.Append(folded);
            else result.Append(char.ConvertFromUtf32(rune));
        }
        return result.ToString();
    }

    private static bool IsInvisible(char c) =>
        c is '\u00AD' or '\u034F' or '\u061C' or '\u180E' or '\uFEFF'
        || c is >= '\u200B' and <= '\u200F'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2060' and <= '\u206F'
        || c is >= '\uFE00' and <= '\uFE0F';

    private void AddChunk(string chunk, List<string> tokens, List<string> singles)
    {
        if (chunk.Length > 1 && chunk[0] == '@' && char.IsLetterOrDigit(chunk[1]))
        {
            FlushSingles(tokens, singles);
            tokens.Add("handle");
            return;
        }
        if (TryReadUrlHost(chunk) is { } host)
        {
            FlushSingles(tokens, singles);
            tokens.Add("url:" + host);
            return;
        }
        var start = -1;
        for (var i = 0; i <= chunk.Length; i++)
        {
            var inWord = i < chunk.Length && IsWordChar(chunk[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                AddRawToken(chunk[start..i], tokens, singles);
                start = -1;
            }
        }
    }

    private bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '\'' or '\u2019' || tables.Leet.ContainsKey(c);

    private void AddRawToken(string raw, List<string> tokens, List<string> singles)
    {
        raw = raw.Replace("'", "").Replace("\u2019", "");
        var money = raw.StartsWith('$') && raw.Length > 1 && char.IsDigit(raw[1]);
        raw = TrimSymbols(raw);
        if (raw.Length == 0) return;
        if (money)
        {
            FlushSingles(tokens, singles);
            tokens.Add(raw);
            tokens.Add("dollars");
            return;
        }
        var word = UndoLeet(raw);
        if (word.Length == 1 && char.IsLetter(word[0]))
        {
            singles.Add(word);
            return;
        }
        FlushSingles(tokens, singles);
        if (SplitNumberSuffix(word) is var (number, suffix))
        {
            tokens.Add(number);
            AddWord(suffix, tokens);
            return;
        }
        AddWord(word, tokens);
    }

    /// <summary>Edge symbols are punctuation ("hey!"), except a leading "$" before letters ("$end").</summary>
    private static string TrimSymbols(string raw)
    {
        var start = 0;
        var end = raw.Length;
        while (start < end && !char.IsLetterOrDigit(raw[start]) && !(raw[start] == '$' && start + 1 < end && char.IsLetter(raw[start + 1])))
            start++;
        while (end > start && !char.IsLetterOrDigit(raw[end - 1]))
            end--;
        return raw[start..end];
    }

    /// <summary>Maps digits and symbols to letters only inside a word that has letters ("p1c", "s3nd", "$end").</summary>
    private string UndoLeet(string raw)
    {
        var hasLetter = false;
        var hasLeet = false;
        foreach (var c in raw)
        {
            if (char.IsLetter(c)) hasLetter = true;
            else if (tables.Leet.ContainsKey(c)) hasLeet = true;
        }
        if (!hasLetter || !hasLeet) return raw;
        // When mapping every symbol gives a known word ("m3", "3v3ry0n3"), trust it over the cautious rule below.
        var all = raw.ToCharArray();
        for (var i = 0; i < all.Length; i++)
            if (tables.Leet.TryGetValue(all[i], out var l)) all[i] = l;
        var full = new string(all);
        if (tables.Vocabulary.Contains(full) || tables.Shorthand.ContainsKey(full)) return full;
        var chars = raw.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!tables.Leet.TryGetValue(chars[i], out var letter)) continue;
            var letterBefore = i > 0 && char.IsLetter(raw[i - 1]) || i > 1 && tables.Leet.ContainsKey(raw[i - 1]) && char.IsLetter(raw[i - 2]);
            var letterAfter = i + 1 < raw.Length && (char.IsLetter(raw[i + 1]) || tables.Leet.ContainsKey(raw[i + 1]));
            var leadingSymbol = i == 0 && !char.IsDigit(raw[i]) && letterAfter;
            if (letterBefore && letterAfter || leadingSymbol || letterBefore && !char.IsDigit(raw[i]))
                chars[i] = letter;
        }
        return new string(chars);
    }

    /// <summary>"14yo" → 14 yo, "10pm" → 10 pm; ordinals such as "8th" stay whole.</summary>
    private static (string Number, string Suffix)? SplitNumberSuffix(string word)
    {
        var digits = 0;
        while (digits < word.Length && char.IsDigit(word[digits])) digits++;
        if (digits == 0 || digits == word.Length) return null;
        var suffix = word[digits..];
        if (suffix is "st" or "nd" or "rd" or "th") return null;
        foreach (var c in suffix)
            if (!char.IsLetter(c)) return null;
        return (word[..digits], suffix);
    }

    private void AddWord(string word, List<string> tokens)
    {
        if (!tables.Vocabulary.Contains(word) && !tables.Shorthand.ContainsKey(word) && HasStretch(word))
        {
            var once = Collapse(word, 1);
            var twice = Collapse(word, 2);
            word = tables.Vocabulary.Contains(once) || tables.Shorthand.ContainsKey(once) ? once
                : tables.Vocabulary.Contains(twice) || tables.Shorthand.ContainsKey(twice) ? twice : once;
        }
        if (tables.Shorthand.TryGetValue(word, out var expansion)) tokens.AddRange(expansion);
        else tokens.Add(word);
    }

    private static bool HasStretch(string word)
    {
        for (var i = 2; i < word.Length; i++)
            if (word[i] == word[i - 1] && word[i] == word[i - 2]) return true;
        return false;
    }

    private static string Collapse(string word, int keep)
    {
        var sb = new StringBuilder(word.Length);
        var run = 0;
        for (var i = 0; i < word.Length; i++)
        {
            run = i > 0 && word[i] == word[i - 1] ? run + 1 : 1;
            if (run <= keep) sb.Append(word[i]);
        }
        return sb.ToString();
    }

    /// <summary>Three or more single letters in a row are a spaced-out word: rejoin and split by known words.</summary>
    private void FlushSingles(List<string> tokens, List<string> singles)
    {
        if (singles.Count == 0) return;
        if (singles.Count < 3)
        {
            foreach (var s in singles) AddWord(s, tokens);
        }
        else
        {
            for (var offset = 0; offset < singles.Count; offset += MaxSpacedRun)
            {
                var joined = string.Concat(singles.Skip(offset).Take(MaxSpacedRun));
                var words = Segment(joined);
                if (words is null) tokens.Add(joined);
                else foreach (var w in words) AddWord(w, tokens);
            }
        }
        singles.Clear();
    }

    /// <summary>Splits a letter run into the fewest known words, or null when it cannot be covered.</summary>
    private List<string>? Segment(string s)
    {
        const int maxWord = 24;
        var best = new int[s.Length + 1];
        var from = new int[s.Length + 1];
        Array.Fill(best, int.MaxValue);
        best[0] = 0;
        for (var end = 1; end <= s.Length; end++)
        {
            for (var len = 1; len <= Math.Min(maxWord, end); len++)
            {
                var begin = end - len;
                if (best[begin] == int.MaxValue) continue;
                var piece = s.Substring(begin, len);
                if (!tables.Vocabulary.Contains(piece) && !tables.Shorthand.ContainsKey(piece)) continue;
                if (best[begin] + 1 < best[end]) { best[end] = best[begin] + 1; from[end] = begin; }
            }
        }
        if (best[s.Length] == int.MaxValue) return null;
        var words = new List<string>();
        for (var end = s.Length; end > 0; end = from[end])
            words.Add(s[from[end]..end]);
        words.Reverse();
        return words;
    }

    /// <summary>Recognises links ("https://t.me/x", "wa.me/123", "discord.gg/abc") and returns the host.</summary>
    private static string? TryReadUrlHost(string chunk)
    {
        var s = chunk.TrimEnd('.', ',', '!', '?', ')', ';', ':');
        var scheme = s.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) s = s[(scheme + 3)..];
        else if (!s.Contains('/') && !s.StartsWith("www.", StringComparison.Ordinal)) return null;
        var slash = s.IndexOf('/');
        var host = slash >= 0 ? s[..slash] : s;
        if (host.StartsWith("www.", StringComparison.Ordinal)) host = host[4..];
        var dot = host.LastIndexOf('.');
        if (dot <= 0 || dot == host.Length - 1) return null;
        foreach (var c in host)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-')) return null;
        return host;
    }
}

/// <summary>Normalised tokens of one message.</summary>
public sealed record NormalizedText(string[] Tokens, bool Truncated);

using System.Text;

namespace Safeguard.TestSupport.Chat;

/// <summary>The surface noise of real chat: letter swaps and drops, the odd ALL CAPS line, stretched words.</summary>
internal static class ChatNoise
{
    private const double TypoPerWord = 0.02;
    private const double CapsPerMessage = 0.03;
    private const double StretchPerMessage = 0.06;

    public static string Apply(string text, Random rng)
    {
        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i++)
            if (words[i].Length >= 4 && rng.NextDouble() < TypoPerWord) words[i] = Typo(words[i], rng);
        if (rng.NextDouble() < StretchPerMessage)
        {
            var i = rng.Next(words.Length);
            var last = words[i].Length > 0 ? words[i][^1] : ' ';
            if (char.IsLetter(last)) words[i] += new string(last, rng.Next(2, 5));
        }
        var joined = string.Join(' ', words);
        return rng.NextDouble() < CapsPerMessage ? joined.ToUpperInvariant() : joined;
    }

    private static string Typo(string word, Random rng)
    {
        var at = rng.Next(1, word.Length - 1);
        if (!char.IsLetter(word[at]) || !char.IsLetter(word[at + 1])) return word;
        var b = new StringBuilder(word);
        if (rng.Next(2) == 0) (b[at], b[at + 1]) = (b[at + 1], b[at]);
        else b.Remove(at, 1);
        return b.ToString();
    }
}

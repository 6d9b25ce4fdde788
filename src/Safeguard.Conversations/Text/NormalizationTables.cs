namespace Safeguard.Conversations.Text;

/// <summary>The data-driven parts of normalisation: shorthand, leetspeak, emoji and look-alike characters.</summary>
public sealed class NormalizationTables
{
    public required IReadOnlyDictionary<string, string[]> Shorthand { get; init; }
    public required IReadOnlyDictionary<char, char> Leet { get; init; }
    public required IReadOnlyDictionary<int, string> Emoji { get; init; }
    /// <summary>Characters that stand for ASCII letters: accents, full-width, mathematical, look-alike scripts.</summary>
    public required IReadOnlyDictionary<int, string> Fold { get; init; }

    /// <summary>Known words, used to split "s e n d m e" runs back into words and to undo "sooo"-style stretching.</summary>
    public required IReadOnlySet<string> Vocabulary { get; init; }

    public static NormalizationTables Empty { get; } = new()
    {
        Shorthand = new Dictionary<string, string[]>(),
        Leet = new Dictionary<char, char>(),
        Emoji = new Dictionary<int, string>(),
        Fold = new Dictionary<int, string>(),
        Vocabulary = new HashSet<string>(),
    };
}

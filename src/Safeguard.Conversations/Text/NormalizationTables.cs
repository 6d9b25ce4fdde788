namespace Safeguard.Conversations.Text;

/// <summary>The data-driven parts of normalisation: shorthand, leetspeak, emoji and look-alike characters.</summary>
public sealed class NormalizationTables
{
    public required IReadOnlyDictionary<string, string[]> Shorthand { get; init; }
    public required IReadOnlyDictionary<char, char> Leet { get; init; }
    public required IReadOnlyDictionary<int, string> Emoji { get; init; }
    public required IReadOnlyDictionary<char, char> Confusables { get; init; }

    /// <summary>Known words, used to split "s e n d m e" runs back into words and to undo "sooo"-style stretching.</summary>
    public required IReadOnlySet<string> Vocabulary { get; init; }

    public static NormalizationTables Empty { get; } = new()
    {
        Shorthand = new Dictionary<string, string[]>(),
        Leet = new Dictionary<char, char>(),
        Emoji = new Dictionary<int, string>(),
        Confusables = new Dictionary<char, char>(),
        Vocabulary = new HashSet<string>(),
    };
}

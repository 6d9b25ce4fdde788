namespace Safeguard.Conversations.Lexicons;

/// <summary>One indicator from a lexicon file: an id, its family, a weight 0..1 and the words that cancel it.</summary>
public sealed record IndicatorDefinition(
    string Id,
    string Family,
    double Weight,
    string Description,
    IReadOnlySet<string> Suppressors,
    bool Negatable);

/// <summary>One phrase of an indicator, compiled to pattern tokens.</summary>
internal sealed record Phrase(IndicatorDefinition Indicator, PatternToken[] Tokens, string Text);

/// <summary>A pattern token: an exact word, a word prefix ("pic*") or a gap ("*", up to three tokens).</summary>
internal readonly record struct PatternToken(string Text, bool IsPrefix, bool IsGap)
{
    public const int MaxGap = 3;

    public bool Matches(string token) => IsPrefix ? token.StartsWith(Text, StringComparison.Ordinal) : token == Text;
}

/// <summary>A phrase found in a message, as token positions.</summary>
public readonly record struct PhraseMatch(IndicatorDefinition Indicator, int Start, int End, string Phrase);

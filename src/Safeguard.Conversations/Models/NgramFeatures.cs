using System.Buffers;
using System.Runtime.CompilerServices;

namespace Safeguard.Conversations.Models;

/// <summary>Whether a feature is a word n-gram or a character n-gram.</summary>
public enum NgramKind : byte
{
    Word = 0,
    Character = 1,
}

/// <summary>Receives the n-grams of one message. A struct sink keeps the hot loop free of virtual calls.</summary>
internal interface INgramSink
{
    void Add(ulong hash, NgramKind kind, ReadOnlySpan<char> text);
}

/// <summary>Which n-grams a model reads: word 1..<see cref="WordMax"/>-grams and character n-grams within words.</summary>
public sealed record NgramSettings(int WordMax = 2, int CharMin = 3, int CharMax = 5, int MaxTokenLength = 40)
{
    public static NgramSettings Default { get; } = new();

    public void Validate()
    {
        if (WordMax is < 1 or > 4 || CharMin is < 1 or > 8 || CharMax < CharMin || CharMax > 8 || MaxTokenLength is < 1 or > 1000)
            throw new ModelFormatException($"n-gram settings out of range: {this}");
    }
}

/// <summary>
/// Turns normalised tokens into hashed n-grams. Tokens are laid out as " t1 t2 t3 " in one buffer, so a word bigram
/// is the span from one token's start to the next one's end and a token padded by its spaces gives the character
/// n-grams that mark word starts and ends. Hashes are FNV-1a over UTF-16 code units, seeded by kind.
/// </summary>
internal static class NgramFeatures
{
    private const ulong FnvPrime = 1099511628211UL;
    private const ulong WordBasis = 14695981039346656037UL;
    private const ulong CharBasis = 0x9E3779B97F4A7C15UL;

    public static void ForEach<TSink>(string[] tokens, NgramSettings settings, ref TSink sink) where TSink : struct, INgramSink
    {
        if (tokens.Length == 0) return;
        var length = 1;
        foreach (var t in tokens) length += t.Length + 1;
        var rented = ArrayPool<char>.Shared.Rent(length);
        var starts = ArrayPool<int>.Shared.Rent(tokens.Length);
        try
        {
            var buffer = rented.AsSpan(0, length);
            buffer[0] = ' ';
            var at = 1;
            for (var i = 0; i < tokens.Length; i++)
            {
                starts[i] = at;
                tokens[i].AsSpan().CopyTo(buffer[at..]);
                at += tokens[i].Length;
                buffer[at++] = ' ';
            }
            for (var i = 0; i < tokens.Length; i++)
            {
                var start = starts[i];
                var tokenLength = tokens[i].Length;
                if (tokenLength == 0) continue;
                for (var n = 1; n <= settings.WordMax && i + n <= tokens.Length; n++)
                {
                    var end = starts[i + n - 1] + tokens[i + n - 1].Length;
                    var span = buffer[start..end];
                    sink.Add(Hash(span, WordBasis), NgramKind.Word, span);
                }
                if (tokenLength > settings.MaxTokenLength) continue;
                var padded = buffer.Slice(start - 1, tokenLength + 2);
                for (var n = settings.CharMin; n <= settings.CharMax && n <= padded.Length; n++)
                    for (var p = 0; p + n <= padded.Length; p++)
                    {
                        var span = padded.Slice(p, n);
                        sink.Add(Hash(span, CharBasis), NgramKind.Character, span);
                    }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(starts);
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>The hash of a term as stored in a model file.</summary>
    public static ulong HashTerm(string term, NgramKind kind) => Hash(term, kind == NgramKind.Word ? WordBasis : CharBasis);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ReadOnlySpan<char> text, ulong basis)
    {
        var h = basis;
        foreach (var c in text)
        {
            h ^= c;
            h *= FnvPrime;
        }
        return h;
    }
}

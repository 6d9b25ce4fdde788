using System.Runtime.InteropServices;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Models;

namespace Safeguard.Conversations.Training;

/// <summary>One conversation as a model sees it at its end: n-gram counts by hash, and the indicator features.</summary>
internal sealed record ExtractedConversation(LabelledConversation Source, Dictionary<ulong, int> Counts, float[] Dense, long Messages);

/// <summary>
/// Reads conversations exactly as the streaming analyser does at run time (same order, same normalisation), so the
/// features a model is trained on are those it will be given. Distinct n-grams per conversation are capped, which
/// bounds memory on huge inputs.
/// </summary>
internal sealed class FeatureExtractor(NgramSettings ngrams, AnalyzerOptions? options = null)
{
    public const int MaxDistinctPerConversation = 200_000;

    private readonly AnalyzerOptions _options = (options ?? AnalyzerOptions.Default) with { Model = null, Classifier = null };

    /// <summary>The text of every n-gram seen, by hash (kept so a model can name its terms).</summary>
    public Dictionary<ulong, (string Term, NgramKind Kind)> Terms { get; } = [];

    public int CappedConversations { get; private set; }

    public ExtractedConversation Extract(LabelledConversation item)
    {
        var counts = new Dictionary<ulong, int>();
        var stream = new StreamingConversationAnalyzer(item.Conversation.Participants, _options, item.Id);
        var capped = false;
        stream.TokensObserved = tokens =>
        {
            var sink = new CollectingSink(counts, Terms);
            NgramFeatures.ForEach(tokens, ngrams, ref sink);
            capped |= sink.Capped;
        };
        long messages = 0;
        foreach (var message in ConversationAnalyzer.InTimeOrder(item.Conversation.Messages, out _))
        {
            stream.Add(message);
            messages++;
        }
        if (capped) CappedConversations++;
        return new ExtractedConversation(item, counts, stream.ModelInputs(), messages);
    }

    private struct CollectingSink(Dictionary<ulong, int> counts, Dictionary<ulong, (string, NgramKind)> terms) : INgramSink
    {
        public bool Capped;

        public void Add(ulong hash, NgramKind kind, ReadOnlySpan<char> text)
        {
            if (counts.Count >= MaxDistinctPerConversation && !counts.ContainsKey(hash))
            {
                Capped = true;
                return;
            }
            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, hash, out var existed);
            count++;
            if (!existed && !terms.ContainsKey(hash)) terms[hash] = (text.ToString(), kind);
        }
    }
}

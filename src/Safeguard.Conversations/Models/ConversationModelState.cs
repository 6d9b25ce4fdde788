using Safeguard.Conversations.Analysis;

namespace Safeguard.Conversations.Models;

/// <summary>A term present in a conversation and how much it adds to the model's score.</summary>
public sealed record ModelTerm(string Term, NgramKind Kind, int Count, double Contribution);

/// <summary>
/// One conversation's running n-gram counts for a <see cref="ConversationModel"/>. Memory is bounded by the model's
/// vocabulary, not by the length of the conversation; each message costs one hash lookup per n-gram.
/// </summary>
public sealed class ConversationModelState
{
    public const int EvidenceMessages = 5;

    private readonly ConversationModel _model;
    private readonly Dictionary<int, int> _counts = [];
    private readonly List<(EvidenceMessage Message, double Contribution)> _evidence = [];
    private double _wordDot, _wordSquares, _charDot, _charSquares;

    internal ConversationModelState(ConversationModel model) => _model = model;

    public ConversationModel Model => _model;

    /// <summary>The n-gram part of the score: each block's weighted sum over its L2 norm.</summary>
    internal (double Word, double Char) NgramScores => (Block(_wordDot, _wordSquares), Block(_charDot, _charSquares));

    private static double Block(double dot, double squares) => squares > 0 ? dot / Math.Sqrt(squares) : 0;

    public double Probability(ReadOnlySpan<float> dense)
    {
        var (word, chars) = NgramScores;
        return _model.ProbabilityOf(word, chars, dense);
    }

    /// <summary>Adds one message's normalised tokens; keeps the message as evidence if it adds most to the score.</summary>
    public void Add(string[] tokens, int messageIndex, string sender, DateTimeOffset? timestamp, string text)
    {
        var sink = new Sink(this);
        NgramFeatures.ForEach(tokens, _model.Ngrams, ref sink);
        var wordNorm = Math.Sqrt(_wordSquares);
        var charNorm = Math.Sqrt(_charSquares);
        var contribution = (wordNorm > 0 ? sink.WordDelta / wordNorm : 0) + (charNorm > 0 ? sink.CharDelta / charNorm : 0);
        if (contribution > 0) KeepEvidence(messageIndex, sender, timestamp, text, contribution);
    }

    private void KeepEvidence(int index, string sender, DateTimeOffset? timestamp, string text, double contribution)
    {
        if (_evidence.Count == EvidenceMessages)
        {
            var weakest = 0;
            for (var i = 1; i < _evidence.Count; i++)
                if (_evidence[i].Contribution < _evidence[weakest].Contribution) weakest = i;
            if (_evidence[weakest].Contribution >= contribution) return;
            _evidence.RemoveAt(weakest);
        }
        if (text.Length > EvidenceMessage.MaxTextLength) text = text[..EvidenceMessage.MaxTextLength] + "…";
        _evidence.Add((new EvidenceMessage(index, sender, timestamp, text), contribution));
    }

    /// <summary>The messages whose terms added most to the score when they arrived, in conversation order.</summary>
    public IReadOnlyList<EvidenceMessage> Evidence => [.. _evidence.Select(e => e.Message).OrderBy(m => m.Index)];

    public bool HasEvidence => _evidence.Count > 0;

    /// <summary>The terms present that raise the score most, strongest first.</summary>
    public IReadOnlyList<ModelTerm> TopTerms(int count)
    {
        var wordNorm = Math.Sqrt(_wordSquares);
        var charNorm = Math.Sqrt(_charSquares);
        var terms = new List<ModelTerm>();
        foreach (var (feature, n) in _counts)
        {
            var kind = _model.Kinds[feature];
            var norm = kind == NgramKind.Word ? wordNorm : charNorm;
            if (norm <= 0) continue;
            var value = _model.Weights[feature] * _model.Idf[feature] * Math.Log(1 + n) / norm;
            if (value > 0) terms.Add(new ModelTerm(_model.Terms[feature], kind, n, value));
        }
        return [.. terms.OrderByDescending(t => t.Contribution).ThenBy(t => t.Term, StringComparer.Ordinal).Take(count)];
    }

    private struct Sink(ConversationModelState state) : INgramSink
    {
        public double WordDelta;
        public double CharDelta;

        public void Add(ulong hash, NgramKind kind, ReadOnlySpan<char> text)
        {
            var model = state._model;
            if (!model.TryFind(hash, out var feature)) return;
            ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(state._counts, feature, out _);
            var idf = model.Idf[feature];
            var before = idf * Math.Log(1 + count);
            count++;
            var after = idf * Math.Log(1 + count);
            var weighted = model.Weights[feature] * (after - before);
            var squares = after * after - before * before;
            if (model.Kinds[feature] == NgramKind.Word)
            {
                state._wordDot += weighted;
                state._wordSquares += squares;
                WordDelta += weighted;
            }
            else
            {
                state._charDot += weighted;
                state._charSquares += squares;
                CharDelta += weighted;
            }
        }
    }
}

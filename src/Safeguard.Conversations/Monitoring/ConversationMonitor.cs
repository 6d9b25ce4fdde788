using System.Collections.Concurrent;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Monitoring;

/// <summary>
/// Watches many conversations at once, keyed by conversation id. Thread-safe: different conversations update in
/// parallel; messages of one conversation are applied one at a time. When a conversation's level first reaches
/// <see cref="AlertThreshold"/> (and again each time it climbs to a higher level) an alert is produced, carrying only
/// the evidence messages, never the whole history.
/// </summary>
public sealed class ConversationMonitor(RiskLevel alertThreshold = RiskLevel.High, AnalyzerOptions? options = null)
{
    private readonly ConcurrentDictionary<string, Entry> _conversations = new(StringComparer.Ordinal);
    private readonly AnalyzerOptions _options = options ?? AnalyzerOptions.Default;

    public RiskLevel AlertThreshold { get; } = alertThreshold;
    public int Count => _conversations.Count;

    /// <summary>Raised after an alert is produced, outside the conversation's lock.</summary>
    public event Action<RiskAlert>? AlertRaised;

    /// <summary>Registers or updates a participant's profile (declared age, account age).</summary>
    public void SetParticipant(string conversationId, Participant participant)
    {
        var entry = Get(conversationId);
        lock (entry) entry.Analyzer.AddParticipant(participant);
    }

    /// <summary>Adds one message; returns the new state and an alert when the threshold was crossed.</summary>
    public MonitorUpdate Observe(string conversationId, ChatMessage message)
    {
        var entry = Get(conversationId);
        RiskAlert? alert = null;
        RiskUpdate update;
        lock (entry)
        {
            update = entry.Analyzer.Add(message);
            entry.LastActivity = DateTimeOffset.UtcNow;
            if (update.Level >= AlertThreshold && update.Level > entry.AlertedLevel)
            {
                entry.AlertedLevel = update.Level;
                alert = RiskAlert.From(conversationId, update.MessageIndex, entry.Analyzer.Snapshot());
            }
        }
        if (alert is not null) AlertRaised?.Invoke(alert);
        return new MonitorUpdate(conversationId, update, alert);
    }

    /// <summary>The full explanation for a conversation, or null if it is not being watched.</summary>
    public ConversationAnalysis? Analysis(string conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var entry)) return null;
        lock (entry) return entry.Analyzer.Snapshot();
    }

    public bool Forget(string conversationId) => _conversations.TryRemove(conversationId, out _);

    /// <summary>Drops conversations with no message for longer than <paramref name="idle"/>; returns how many.</summary>
    public int EvictIdle(TimeSpan idle)
    {
        var cutoff = DateTimeOffset.UtcNow - idle;
        var removed = 0;
        foreach (var (id, entry) in _conversations)
            if (entry.LastActivity < cutoff && _conversations.TryRemove(id, out _)) removed++;
        return removed;
    }

    private Entry Get(string conversationId)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return _conversations.GetOrAdd(conversationId, id => new Entry(new StreamingConversationAnalyzer(null, _options, id)));
    }

    private sealed class Entry(StreamingConversationAnalyzer analyzer)
    {
        public StreamingConversationAnalyzer Analyzer { get; } = analyzer;
        public RiskLevel AlertedLevel { get; set; } = RiskLevel.None;
        public DateTimeOffset LastActivity { get; set; } = DateTimeOffset.UtcNow;
    }
}

public sealed record MonitorUpdate(string ConversationId, RiskUpdate Update, RiskAlert? Alert);

/// <summary>A review item for moderators: why the conversation was flagged, with only the evidence messages.</summary>
public sealed record RiskAlert(
    string ConversationId,
    int TriggerMessageIndex,
    double Score,
    RiskLevel Level,
    ConversationStage Stage,
    string? Participant,
    IReadOnlyList<IndicatorFinding> Indicators,
    IReadOnlyList<StageReached> Timeline,
    IReadOnlyList<EvidenceMessage> EvidenceMessages)
{
    /// <summary>With a trained model: its probability, strongest terms and the messages that raised it (also in the evidence).</summary>
    public ModelExplanation? Model { get; init; }

    internal static RiskAlert From(string conversationId, int trigger, ConversationAnalysis a) =>
        new(conversationId, trigger, a.Score, a.Level, a.FurthestStage, a.FocusParticipant,
            a.Indicators.Where(i => i.Participant == a.FocusParticipant).ToList(), a.Timeline,
            a.Evidence.Where(e => a.Indicators.Any(i => i.Participant == a.FocusParticipant && i.MessageIndices.Contains(e.Index))
                                  || a.Model?.MessageIndices.Contains(e.Index) == true).ToList())
        { Model = a.Model };
}

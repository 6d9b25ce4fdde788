using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Analysis;

/// <summary>
/// Batch analysis: feeds a whole conversation through <see cref="StreamingConversationAnalyzer"/>, so batch and
/// streaming results agree by construction. When every message has a timestamp, messages are put in time order
/// first (a stable sort, so equal times keep file order).
/// </summary>
public sealed class ConversationAnalyzer(AnalyzerOptions? options = null)
{
    private readonly AnalyzerOptions _options = options ?? AnalyzerOptions.Default;

    public ConversationAnalysis Analyze(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        var stream = new StreamingConversationAnalyzer(conversation.Participants, _options, conversation.Id);
        var ordered = InTimeOrder(conversation.Messages, out var reordered);
        foreach (var message in ordered)
            stream.Add(message);
        var analysis = stream.Snapshot();
        return reordered
            ? analysis with { Warnings = [.. analysis.Warnings, "messages were out of timestamp order and were sorted by time"] }
            : analysis;
    }

    /// <summary>The messages in time order when all have timestamps; otherwise in the order given.</summary>
    public static IReadOnlyList<ChatMessage> InTimeOrder(IReadOnlyList<ChatMessage> messages, out bool reordered)
    {
        reordered = false;
        if (messages.Any(m => m.Timestamp is null)) return messages;
        for (var i = 1; i < messages.Count; i++)
        {
            if (messages[i].Timestamp < messages[i - 1].Timestamp)
            {
                reordered = true;
                return [.. messages.OrderBy(m => m.Timestamp!.Value)];
            }
        }
        return messages;
    }
}

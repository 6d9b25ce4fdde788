using System.Text.Json;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;
using Safeguard.Conversations.Monitoring;
using Safeguard.Server.Api;
using Safeguard.Server.Errors;
using Safeguard.Server.Review;

namespace Safeguard.Server.UseCases;

public sealed record ConversationParticipant(string Id, string? Name, int? DeclaredAge, int? AccountAgeDays);
public sealed record ObservedMessage(RiskUpdate Update, bool Alert, long? ReviewItemId);

/// <summary>Streams one message into a conversation; crossing the alert level queues a review item with the evidence messages only.</summary>
public sealed class ObserveConversation(ConversationMonitor monitor, ReviewStore review)
{
    public async Task<ObservedMessage> RunAsync(string conversationId, string? sender, DateTimeOffset? time, string? text,
        IReadOnlyList<ConversationParticipant>? participants, string actor)
    {
        if (conversationId.Length > 200) throw new ValidationException("conversation id longer than 200 characters");
        if (string.IsNullOrEmpty(sender)) throw new ValidationException("sender is required");
        if (text is null) throw new ValidationException("text is required");
        foreach (var p in participants ?? [])
            monitor.SetParticipant(conversationId, new Participant(p.Id, p.Name, p.DeclaredAge, p.AccountAgeDays));
        var update = monitor.Observe(conversationId, new ChatMessage(sender, time, text));
        long? itemId = null;
        if (update.Alert is { } alert)
            itemId = await review.CreateAsync(new ReviewItem
            {
                Kind = "conversation", FileName = conversationId,
                Conversation = JsonSerializer.SerializeToElement(alert, ApiJson.Options),
            }, null, actor);
        return new ObservedMessage(update.Update, update.Alert is not null, itemId);
    }
}

namespace Safeguard.Conversations.Model;

/// <summary>A participant as the platform knows them; ages are optional and may be unknown.</summary>
public sealed record Participant(string Id, string? DisplayName = null, int? DeclaredAge = null, int? AccountAgeDays = null);

/// <summary>One message. The timestamp is optional: some exports lack it.</summary>
public sealed record ChatMessage(string Sender, DateTimeOffset? Timestamp, string Text);

/// <summary>A conversation ready for analysis.</summary>
public sealed record Conversation(string? Id, IReadOnlyList<Participant> Participants, IReadOnlyList<ChatMessage> Messages);

/// <summary>The label carried by an evaluation file.</summary>
public sealed record ConversationLabel(bool IsRisk, string Category, string Split, int? FirstRiskIndex);

/// <summary>Thrown for input that is not a usable conversation; the message says what is wrong and where.</summary>
public sealed class ConversationFormatException(string message, Exception? inner = null) : Exception(message, inner);

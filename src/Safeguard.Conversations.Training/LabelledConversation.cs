using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Training;

/// <summary>A conversation with its label and where it came from (file, or file and line for CSV rows).</summary>
public sealed record LabelledConversation(string Id, string Source, Conversation Conversation, bool IsRisk, string Category);

/// <summary>Thrown for training input that cannot be used; the message names the file (and line) and the problem.</summary>
public sealed class TrainingDataException(string message, Exception? inner = null) : Exception(message, inner);

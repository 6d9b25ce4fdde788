using System.CommandLine;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>`safeguard chat`: grooming and sextortion risk in conversations.</summary>
public static class ChatCommand
{
    public static Command Create()
    {
        var chat = new Command("chat", "Grooming and sextortion risk in conversations.");
        chat.Add(ChatAnalyzeCommand.Create());
        chat.Add(ChatEvalCommand.Create());
        chat.Add(ChatBenchCommand.Create());
        return chat;
    }

    internal static RiskLevelArg ParseLevel(string? text) => text?.ToLowerInvariant() switch
    {
        null or "high" => new(Safeguard.Conversations.Analysis.RiskLevel.High),
        "low" => new(Safeguard.Conversations.Analysis.RiskLevel.Low),
        "medium" => new(Safeguard.Conversations.Analysis.RiskLevel.Medium),
        "critical" => new(Safeguard.Conversations.Analysis.RiskLevel.Critical),
        _ => throw new UsageException($"--threshold must be low, medium, high or critical, not \"{text}\""),
    };

    internal readonly record struct RiskLevelArg(Safeguard.Conversations.Analysis.RiskLevel Level);
}

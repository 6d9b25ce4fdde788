using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Tests;

internal static class TestSupport
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 18, 0, 0, TimeSpan.Zero);

    /// <summary>Builds a conversation from "sender: text" lines, one minute apart.</summary>
    public static Conversation Chat(IEnumerable<Participant> participants, params string[] lines) =>
        new("test", participants.ToList(), lines.Select((line, i) =>
        {
            var colon = line.IndexOf(':');
            return new ChatMessage(line[..colon], Start.AddMinutes(i), line[(colon + 1)..].Trim());
        }).ToList());

    public static Conversation AdultAndChild(params string[] lines) =>
        Chat([new Participant("adult", DeclaredAge: 34), new Participant("child", DeclaredAge: 13)], lines);

    public static ConversationAnalysis Analyze(Conversation c) => new ConversationAnalyzer().Analyze(c);

    public static ConversationAnalysis AnalyzeOne(string text, string sender = "adult") =>
        Analyze(AdultAndChild($"{sender}: {text}"));

    public static IEnumerable<string> IndicatorIds(this ConversationAnalysis a, string participant = "adult") =>
        a.Indicators.Where(i => i.Participant == participant).Select(i => i.Id);

    public static string EvalDirectory => Path.Combine(Repository.Root, "data", "conversations", "eval");
}

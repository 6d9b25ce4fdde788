using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;

namespace Safeguard.Fuzz.Targets;

/// <summary>
/// The conversation JSON reader (<see cref="ConversationJson.ReadLabelled"/> over a stream), then
/// batch analysis of what it accepted, as `safeguard chat` does. <see cref="ConversationFormatException"/>
/// is the documented error.
/// </summary>
public sealed class ConversationTarget : IFuzzTarget
{
    private readonly ConversationAnalyzer _analyzer = new();

    public string Name => "conversation";
    public string Description => "ConversationJson.ReadLabelled, then ConversationAnalyzer.Analyze";

    public void Run(ReadOnlySpan<byte> input)
    {
        Conversation conversation;
        try
        {
            using var stream = new MemoryStream(input.ToArray(), writable: false);
            conversation = ConversationJson.ReadLabelled(stream).Conversation;
        }
        catch (ConversationFormatException) { return; }
        _analyzer.Analyze(conversation);
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        yield return ("minimal.json", """{"messages":[{"sender":"a","text":"hi"}]}"""u8.ToArray());
        yield return ("full.json", """
            {"id":"c1","participants":[{"id":"a","name":"A","declaredAge":13,"accountAgeDays":2},{"id":"b"}],
             "messages":[{"sender":"a","timestamp":"2024-01-02T03:04:05Z","text":"hello there"},
                         {"sender":"b","timestamp":1704164700,"text":"how old are you? don't tell your parents"},
                         {"sender":"a","timestamp":1704164800000,"text":"\u00e9\ud83d\ude00 ok"}],
             "label":"risk","category":"grooming","split":"tuning","firstRiskIndex":1}
            """u8.ToArray());
        foreach (var f in SeedSources.SmallFiles(Path.Combine(sources.RepositoryRoot, "data", "conversations", "eval", "tuning"), "*.json", 4)) yield return f;
    }

    public IEnumerable<string> Dictionary =>
    [
        "\"messages\"", "\"sender\"", "\"text\"", "\"timestamp\"", "\"participants\"", "\"id\"", "\"name\"", "\"declaredAge\"",
        "\"accountAgeDays\"", "\"label\"", "\"risk\"", "\"benign\"", "\"category\"", "\"split\"", "\"firstRiskIndex\"",
        "null", "true", "-9223372036854775808", "9223372036854775807", "100000000001", "1e308", "\\ud800", "\\u0000", "/*", "//",
    ];
}

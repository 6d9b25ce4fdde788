using System.CommandLine;
using System.Diagnostics;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>`safeguard chat bench`: the per-message cost of the streaming analyser.</summary>
public static class ChatBenchCommand
{
    // A mix of ordinary chat and indicator lines, so matching and rescoring both run.
    private static readonly string[] Lines =
    [
        "hey how was school today", "lol same, the bio test was so hard", "are you coming to the match on saturday",
        "you're so mature for your age", "how old are you", "do your parents check your phone?",
        "add me on snap it's more private", "send me a pic 📸", "don't tell anyone ok, our secret",
        "i'll pick you up after practice, your mum said it's fine", "gg you're dead next round",
        "I have your pic. Pay me or everyone will see it", "you have 10 minutes ⏰", "s e n d  m e  a  p 1 c",
        "what time is dinner", "ok see you tomorrow 👋",
    ];

    public static Command Create()
    {
        var messages = new Option<int>("--messages") { Description = "Messages per conversation (default 10000)" };
        var conversations = new Option<int>("--conversations") { Description = "Conversations to stream (default 20)" };
        var model = ChatCommand.ModelOption();
        var modelInput = ChatCommand.ModelInputOption();
        var command = new Command("bench", "Measure the per-message cost of streaming analysis.") { messages, conversations, model, modelInput };
        command.SetAction(parse =>
        {
            var (options, loaded) = ChatCommand.Options(parse.GetValue(model), parse.GetValue(modelInput));
            using var _ = loaded;
            return Run(Positive(parse.GetValue(messages), 10_000), Positive(parse.GetValue(conversations), 20), Console.Out, options);
        });
        return command;
    }

    private static int Positive(int value, int fallback) =>
        value == 0 ? fallback : value > 0 ? value : throw new UsageException("counts must be positive");

    internal static int Run(int messagesPerConversation, int conversationCount, TextWriter output, AnalyzerOptions? options = null)
    {
        options ??= AnalyzerOptions.Default;
        Warm(options);
        var start = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var samples = new List<double>(messagesPerConversation * conversationCount);
        var total = Stopwatch.StartNew();
        for (var c = 0; c < conversationCount; c++)
        {
            var stream = new StreamingConversationAnalyzer([new Participant("a", DeclaredAge: 30), new Participant("b", DeclaredAge: 14)], options);
            for (var i = 0; i < messagesPerConversation; i++)
            {
                var message = new ChatMessage(i % 2 == 0 ? "a" : "b", start.AddSeconds(i * 20), Lines[(i * 7 + c) % Lines.Length]);
                var t0 = Stopwatch.GetTimestamp();
                stream.Add(message);
                samples.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            }
        }
        total.Stop();
        samples.Sort();
        double Pct(double p) => samples[Math.Min(samples.Count - 1, (int)(p * samples.Count))];
        output.WriteLine(options.Model is { } m ? $"Model: {m.Name}" : options.Classifier is { } classifier ? $"Model: {classifier.Name}" : "No model: indicators only.");
        output.WriteLine($"Streamed {samples.Count} messages in {conversationCount} conversation(s) of {messagesPerConversation}.");
        output.WriteLine($"Per message: mean {samples.Average():0.0} µs, median {Pct(0.5):0.0} µs, p99 {Pct(0.99):0.0} µs, max {samples[^1]:0.0} µs");
        output.WriteLine($"Throughput: {samples.Count / total.Elapsed.TotalSeconds:0} messages/s on one thread");
        return ExitCodes.Ok;
    }

    private static void Warm(AnalyzerOptions options)
    {
        var stream = new StreamingConversationAnalyzer(null, options);
        for (var i = 0; i < 2000; i++) stream.Add(new ChatMessage("w", null, Lines[i % Lines.Length]));
    }
}

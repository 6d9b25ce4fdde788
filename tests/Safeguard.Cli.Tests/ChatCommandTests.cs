using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Safeguard.Cli.Commands.Chat;
using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;
using Safeguard.Server.Api;

namespace Safeguard.Cli.Tests;

/// <summary>Runs `safeguard chat ...` end to end through the command runner (console output is captured).</summary>
[Collection("Console")]
public class ChatCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-chat-").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    internal static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("test") { ChatCommand.Create() };
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (CommandRunner.Run(root, args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private const string Threat = """
        {"id":"t1","participants":[{"id":"x"},{"id":"kid","declaredAge":14}],
         "messages":[{"sender":"x","timestamp":"2026-01-01T10:00:00Z","text":"you're cute, send me a pic"},
                     {"sender":"kid","timestamp":"2026-01-01T10:02:00Z","text":"ok"},
                     {"sender":"x","timestamp":"2026-01-01T10:05:00Z","text":"i have your pic. pay me or everyone will see it"}]}
        """;

    [Fact]
    public void Analyze_explains_the_risk_in_text()
    {
        var (exit, output, _) = Run("chat", "analyze", Write("t.json", Threat));
        Assert.Equal(0, exit);
        Assert.Contains("Risk: CRITICAL", output);
        Assert.Contains("Furthest stage: coercion", output);
        Assert.Contains("#2 x", output);
        Assert.Contains("after 2 messages, 5m", output);
    }

    [Fact]
    public void Analyze_json_is_machine_readable()
    {
        var (exit, output, _) = Run("chat", "analyze", "--json", Write("t.json", Threat));
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("critical", doc.RootElement.GetProperty("level").GetString());
        Assert.Equal("coercion", doc.RootElement.GetProperty("furthest_stage").GetString());
        var evidence = doc.RootElement.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToList();
        Assert.Equal([0, 2], evidence);
    }

    [Fact]
    public void Analyze_json_is_what_the_service_answers()
    {
        var path = Write("t.json", Threat);
        var (exit, output, _) = Run("chat", "analyze", "--json", path);
        Assert.Equal(0, exit);
        // POST /v1/conversations/analyze answers Results.Json(analyzer.Analyze(conversation), ApiJson.Options) (CoreEndpoints).
        var service = JsonSerializer.Serialize(
            new ConversationAnalyzer(AnalyzerOptions.Default).Analyze(ConversationJson.Parse(File.ReadAllBytes(path))), ApiJson.Options);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(service), JsonNode.Parse(output)), $"CLI:\n{output}\nservice:\n{service}");
        using var doc = JsonDocument.Parse(output);
        Assert.InRange(doc.RootElement.GetProperty("indicator_score").GetDouble(), 0.0, 1.0);
        Assert.Equal("coercion", doc.RootElement.GetProperty("furthest_stage").GetString());
        Assert.All(Names(doc.RootElement), name => Assert.Matches("^[a-z][a-z0-9_]*$", name));
    }

    private static IEnumerable<string> Names(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Names(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Names),
        _ => [],
    };

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"messages":[{"text":"no sender"}]}""")]
    public void Analyze_reports_bad_input_with_exit_2(string content)
    {
        var (exit, _, err) = Run("chat", "analyze", Write("bad.json", content));
        Assert.Equal(2, exit);
        Assert.Contains("bad.json", err);
    }

    [Fact]
    public void Missing_file_and_bad_model_are_usage_errors()
    {
        Assert.Equal(2, Run("chat", "analyze", Path.Combine(_dir, "nope.json")).Exit);
        var model = Write("model.onnx", "not a model");
        Assert.Equal(2, Run("chat", "analyze", "--model", model, Write("t.json", Threat)).Exit);
        Assert.Equal(2, Run("chat", "eval", _dir, "--threshold", "extreme").Exit);
    }

    [Fact]
    public void Eval_prints_metrics_and_flags_partial_failures()
    {
        Write("a.json", Threat.Replace("\"id\":\"t1\"", "\"id\":\"t1\",\"label\":\"risk\",\"category\":\"sextortion\",\"split\":\"tuning\",\"firstRiskIndex\":2"));
        Write("b.json", """{"label":"benign","category":"parent-child","messages":[{"sender":"mum","text":"send me a photo of your homework"}]}""");
        var (exit, output, _) = Run("chat", "eval", _dir);
        Assert.Equal(0, exit);
        Assert.Matches(@"all\s+2\s+1\s+1\s+0\s+0\s+1\.000\s+1\.000\s+1\.000", output);

        Write("c.json", "{ broken");
        var (partial, _, err) = Run("chat", "eval", _dir);
        Assert.Equal(1, partial);
        Assert.Contains("c.json", err);
    }

    [Fact]
    public void Bench_reports_per_message_cost()
    {
        var (exit, output, _) = Run("chat", "bench", "--messages", "500", "--conversations", "2");
        Assert.Equal(0, exit);
        Assert.Contains("Streamed 1000 messages", output);
        Assert.Contains("µs", output);
    }
}

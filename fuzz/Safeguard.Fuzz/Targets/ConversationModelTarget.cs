using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Model;
using Safeguard.Conversations.Models;

namespace Safeguard.Fuzz.Targets;

/// <summary>
/// The conversation model file reader (<see cref="ModelFile.Parse"/>), then scoring a short conversation with what it
/// accepted, as `chat analyze --model` does. <see cref="ModelFormatException"/> is the documented error.
/// </summary>
public sealed class ConversationModelTarget : IFuzzTarget
{
    private static readonly ChatMessage[] Messages =
        [new("a", null, "hey asl"), new("b", null, "13 f"), new("a", null, "send me a pic, our secret")];

    public string Name => "model";
    public string Description => "ModelFile.Parse, then streaming a conversation with the model";

    public void Run(ReadOnlySpan<byte> input)
    {
        ConversationModel model;
        try { model = ModelFile.Parse(input); }
        catch (ModelFormatException) { return; }
        var stream = new StreamingConversationAnalyzer(null, new AnalyzerOptions { Model = model });
        foreach (var m in Messages) stream.Add(m);
        stream.Snapshot();
    }

    public IEnumerable<(string Name, byte[] Bytes)> Seeds(SeedSources sources)
    {
        yield return ("default.sgmodel", File.ReadAllBytes(Path.Combine(sources.RepositoryRoot, "data", "conversations", "models", "default.sgmodel")));
        yield return ("magic-only", "SGCMODEL"u8.ToArray());
    }

    public IEnumerable<string> Dictionary => ["SGCMODEL", "\\x01\\x00\\x00\\x00", "\\x1f\\x8b\\x08"];
}

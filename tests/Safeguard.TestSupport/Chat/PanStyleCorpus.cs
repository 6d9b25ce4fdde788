using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Safeguard.TestSupport.Chat;

/// <summary>Wording of the risk arcs: two disjoint styles, so a model trained on one can be checked on the other.</summary>
public enum PanStyle
{
    A,
    B,
}

/// <summary>
/// One generated conversation. <see cref="Timestamps"/> runs parallel to <see cref="Messages"/>. For risk chats,
/// <see cref="RiskSender"/> is the adult, <see cref="RiskMessageIndices"/> their grooming lines (PAN's "predator
/// lines") and <see cref="FirstRiskIndex"/> the first request (camera, meeting), as in the evaluation set.
/// </summary>
public sealed record GeneratedChat(string Id, bool IsRisk, string Category, IReadOnlyList<(string Sender, string Text)> Messages)
{
    public IReadOnlyList<string> Participants { get; init; } = [];
    public IReadOnlyList<DateTimeOffset> Timestamps { get; init; } = [];
    public int? FirstRiskIndex { get; init; }
    public IReadOnlyList<int> RiskMessageIndices { get; init; } = [];
    public string? RiskSender { get; init; }
}

/// <summary>
/// A seed-deterministic generator of labelled chat in the manner of the PAN 2012 sexual-predator corpus: lowercase
/// run-on lines, slang and typos, long benign small talk, and grooming arcs (an adult stating an adult age talking
/// to a stated minor) worded to avoid the lexicon phrases. Nothing generated is sexual; it exists so tests can
/// show a trained model learns what the lexicons miss, without any real abuse material.
/// </summary>
public static class PanStyleCorpus
{
    public const string RiskCategory = "grooming";

    /// <summary>The benign categories and how often each is drawn.</summary>
    public static readonly IReadOnlyList<(string Category, double Weight)> BenignCategories =
    [
        ("teen-chat", 0.25), ("adult-small-talk", 0.15), ("tech-help", 0.15), ("adult-flirting", 0.15), ("parent-child", 0.15), ("gaming", 0.15),
    ];

    /// <summary>Generates <paramref name="count"/> chats, exactly round(count × riskFraction) of them risk, in shuffled order.</summary>
    public static IReadOnlyList<GeneratedChat> Generate(int seed, int count, double riskFraction = 0.15, PanStyle style = PanStyle.A)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (riskFraction is < 0 or > 1 || double.IsNaN(riskFraction)) throw new ArgumentOutOfRangeException(nameof(riskFraction));
        var rng = new Random(unchecked((seed * 2) + (int)style));
        var riskCount = (int)Math.Round(count * riskFraction, MidpointRounding.AwayFromZero);
        var isRisk = new bool[count];
        for (var i = 0; i < riskCount; i++) isRisk[i] = true;
        rng.Shuffle(isRisk);
        var chats = new List<GeneratedChat>(count);
        for (var i = 0; i < count; i++)
        {
            var id = $"pan{style.ToString().ToLowerInvariant()}-{seed}-{i:D5}";
            var writer = new PanStyleChatWriter(rng, PanStyleRiskArcs.For(style));
            chats.Add(isRisk[i] ? writer.Risk(id) : writer.Benign(id, PickCategory(rng)));
        }
        return chats;
    }

    /// <summary>The chat as PAN segment CSVs hold it: the messages' text joined by single spaces, no speakers.</summary>
    public static string ToSegmentText(GeneratedChat chat) => string.Join(' ', chat.Messages.Select(m => m.Text));

    /// <summary>Writes <c>text,label</c> rows (label 1 for risk, 0 for benign), quoted per RFC 4180 with CRLF line ends.</summary>
    public static void WriteCsv(string path, IEnumerable<GeneratedChat> chats)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.Write("text,label\r\n");
        foreach (var chat in chats)
        {
            writer.Write(CsvField(ToSegmentText(chat)));
            writer.Write(chat.IsRisk ? ",1\r\n" : ",0\r\n");
        }
    }

    /// <summary>Writes one labelled JSON file per chat (<c>{id}.json</c>) in the evaluation format of docs/conversations.md.</summary>
    public static void WriteJsonDirectory(string dir, IEnumerable<GeneratedChat> chats)
    {
        Directory.CreateDirectory(dir);
        foreach (var chat in chats)
        {
            using var file = File.Create(Path.Combine(dir, chat.Id + ".json"));
            using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("id", chat.Id);
            json.WriteString("label", chat.IsRisk ? "risk" : "benign");
            json.WriteString("category", chat.Category);
            json.WriteString("split", "tuning");
            if (chat.FirstRiskIndex is { } first) json.WriteNumber("firstRiskIndex", first);
            json.WriteStartArray("participants");
            foreach (var p in chat.Participants)
            {
                json.WriteStartObject();
                json.WriteString("id", p);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("messages");
            for (var i = 0; i < chat.Messages.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("sender", chat.Messages[i].Sender);
                json.WriteString("timestamp", chat.Timestamps[i].UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                json.WriteString("text", chat.Messages[i].Text);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
    }

    private static string CsvField(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string PickCategory(Random rng)
    {
        var r = rng.NextDouble() * BenignCategories.Sum(c => c.Weight);
        foreach (var (category, weight) in BenignCategories)
            if ((r -= weight) < 0) return category;
        return BenignCategories[^1].Category;
    }
}

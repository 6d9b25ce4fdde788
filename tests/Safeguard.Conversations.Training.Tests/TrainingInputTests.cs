using Safeguard.Conversations.Analysis;
using Safeguard.Conversations.Models;
using Safeguard.Conversations.Training;

namespace Safeguard.Conversations.Training.Tests;

public sealed class TrainingInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static TrainingDataException Refused(params string[] paths) =>
        Assert.Throws<TrainingDataException>(() =>
        {
            var read = TrainingSetReader.ReadAll(paths);
            new ConversationTrainer(new TrainingOptions { Folds = 2 }).Train(read.Items, read.Sources);
        });

    [Fact]
    public void Csv_segments_are_read_with_quoting_label_words_and_an_id_column()
    {
        var path = Write("set.csv", "id,segment,label,extra\n" +
                                    "a,\"hi asl? 14 f ny, u?\",1,x\n" +
                                    "b,\"line one\nline two with \"\"quotes\"\"\",benign,y\n" +
                                    "c,plain text,TRUE,z\n\n");
        var read = TrainingSetReader.ReadAll([path]);
        Assert.Equal(["a", "b", "c"], read.Items.Select(i => i.Id));
        Assert.Equal([true, false, true], read.Items.Select(i => i.IsRisk));
        Assert.Equal("hi asl? 14 f ny, u?", read.Items[0].Conversation.Messages.Single().Text);
        Assert.Equal(["line one", "line two with \"quotes\""], read.Items[1].Conversation.Messages.Select(m => m.Text));
        Assert.All(read.Items.SelectMany(i => i.Conversation.Messages), m => Assert.Equal("", m.Sender));
    }

    [Fact]
    public void Other_column_names_are_read_when_named()
    {
        var path = Write("named.csv", "messages_de,klasse\n\"hallo wie gehts\",1\n\"guten morgen\",0\n");
        Assert.Contains("--text-column", Refused(path).Message, StringComparison.Ordinal);
        var read = TrainingSetReader.ReadAll([path], textColumn: "messages_de", labelColumn: "Klasse");
        Assert.Equal(["hallo wie gehts", "guten morgen"], read.Items.Select(i => i.Conversation.Messages[0].Text));
        Assert.Equal([true, false], read.Items.Select(i => i.IsRisk));
    }

    [Fact]
    public void A_segment_without_speakers_is_analysed_as_one_speakerless_conversation()
    {
        var path = Write("s.csv", "text,label\n\"hey asl 35 m here how old r u 13 f\",0\n");
        var item = TrainingSetReader.ReadAll([path]).Items.Single();
        var stream = new StreamingConversationAnalyzer(item.Conversation.Participants, null, item.Id);
        foreach (var m in item.Conversation.Messages) stream.Add(m);
        Assert.True(stream.Speakerless);
        Assert.Equal(1f, stream.ModelInputs()[ModelFeatures.DenseNames.ToList().IndexOf("speakerless")]);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("foo,bar\n1,2\n", "needs a text column")]
    [InlineData("text,label\nhello,maybe\n", ":2: label \"maybe\"")]
    [InlineData("text,label\nhello,1,extra\n", ":2: 3 fields")]
    [InlineData("text,label\n\"never closed,1\n", "unterminated")]
    public void Malformed_csv_is_an_error_naming_the_file_and_line(string content, string expected)
    {
        var path = Write("bad.csv", content);
        var ex = Refused(path);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_an_error_naming_the_file()
    {
        var path = Path.Combine(_dir, "latin1.csv");
        File.WriteAllBytes(path, [.. "text,label\ncaf"u8, 0xE9, .. ",1\n"u8]);
        var ex = Refused(path);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_json_in_a_directory_stops_training_naming_the_file()
    {
        Write("d/ok.json", "{\"id\":\"x\",\"label\":\"risk\",\"messages\":[{\"sender\":\"a\",\"text\":\"hi\"}]}");
        var bad = Write("d/bad.json", "{\"id\":\"y\",\"messages\":[");
        var ex = Refused(Path.Combine(_dir, "d"));
        Assert.Contains(bad, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_and_one_class_sets_are_refused()
    {
        Assert.Contains("no labelled conversations", Refused(Write("empty.csv", "text,label\n")).Message, StringComparison.Ordinal);
        Assert.Contains("training needs both classes", Refused(Write("one.csv", "text,label\na,1\nb,1\nc,1\n")).Message, StringComparison.Ordinal);
        Assert.Contains("needs at least 2", Refused(Write("few.csv", "text,label\na,1\nb,0\nc,0\n")).Message, StringComparison.Ordinal);
        Assert.Contains("no such file", Refused(Path.Combine(_dir, "missing")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_are_refused_naming_both_places()
    {
        var a = Write("a.csv", "id,text,label\nsame,hello,1\n");
        var b = Write("b.csv", "id,text,label\nsame,bye,0\n");
        var ex = Refused(a, b);
        Assert.Contains(a, ex.Message, StringComparison.Ordinal);
        Assert.Contains(b, ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"same\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Copies_of_one_text_are_kept_in_one_fold_and_reported()
    {
        var rows = Enumerable.Range(0, 12).Select(i => $"risk talk number {i % 6},1")
            .Concat(Enumerable.Range(0, 12).Select(i => $"benign chat number {i},0"));
        var path = Write("dups.csv", "text,label\n" + string.Join('\n', rows) + "\n");
        var read = TrainingSetReader.ReadAll([path]);
        var result = new ConversationTrainer(new TrainingOptions { Folds = 3 }).Train(read.Items, read.Sources);
        Assert.Contains(result.Warnings, w => w.Contains("6 conversation(s) repeat", StringComparison.Ordinal));
    }

    [Fact]
    public void A_million_message_conversation_trains_in_bounded_memory()
    {
        // One speakerless segment of a million short lines, plus enough small ones for two folds.
        var path = Path.Combine(_dir, "huge.csv");
        using (var w = new StreamWriter(path))
        {
            w.WriteLine("text,label");
            w.Write('"');
            for (var i = 0; i < 1_000_000; i++) w.Write(i % 2 == 0 ? "ok see you\n" : $"msg {i % 5000}\n");
            w.WriteLine("\",0");
            foreach (var i in Enumerable.Range(0, 4)) w.WriteLine($"keep this between us {i},1\nhello there {i},0");
        }
        var read = TrainingSetReader.ReadAll([path]);
        Assert.Equal(1_000_000, read.Items[0].Conversation.Messages.Count);
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var result = new ConversationTrainer(new TrainingOptions { Folds = 2 }).Train(read.Items, read.Sources);
        process.Refresh();
        Assert.Equal(1_000_008, result.Model.Training!.Messages);
        Assert.True(process.PeakWorkingSet64 < 3L * 1024 * 1024 * 1024, $"peak working set {process.PeakWorkingSet64 >> 20} MB");
    }
}

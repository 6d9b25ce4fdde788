using System.Text;
using System.Text.Json;
using Safeguard.Banks.Formats;
using Safeguard.Signals;

namespace Safeguard.Banks.Tests;

/// <summary>tmk values (351 KB of base64 each) through every exchange format, in and out.</summary>
public sealed class TmkFormatTests
{
    private static readonly BankFormat[] Formats = [BankFormat.Plain, BankFormat.Csv, BankFormat.Vics];

    private static List<EntryRecord> Read(BankFormat format, string text, List<InputProblem> problems) =>
        BankFormats.Read(format, new MemoryStream(Encoding.UTF8.GetBytes(text)), new ReadOptions { SourceName = "list", OnProblem = problems.Add }).ToList();

    private static string Write(BankFormat format, IEnumerable<EntryRecord> records)
    {
        var stream = new MemoryStream();
        BankFormats.Write(format, stream, records);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Id(string file) => Path.GetFileNameWithoutExtension(file);

    /// <summary>The list each format's users would write by hand (or another tool would): one entry per reference file.</summary>
    private static string Handwritten(BankFormat format, List<string> values, List<string> ids) => format switch
    {
        BankFormat.Plain => string.Concat(values.Select(v => $"tmk {v}\n")),
        BankFormat.Csv => "signal_type,signal,content_id\r\n" + string.Concat(values.Select((v, i) => $"TMK_PDQF,{v},{ids[i]}\r\n")),
        _ => "{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media\",\"value\":[\n" +
             string.Join(",\n", values.Select((v, i) =>
                 $"{{\"MediaID\":\"{ids[i]}\",\"Category\":1,\"AlternativeHashes\":[{{\"HashName\":\"{(i % 2 == 0 ? "TMK_PDQF" : "tmk")}\",\"HashValue\":\"{v}\"}}]}}")) +
             "\n]}",
    };

    public static TheoryData<BankFormat> AllFormats() => [.. Formats];

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Every_reference_file_imports_and_exports_byte_identical(BankFormat format)
    {
        var names = TmkSamples.Names.ToList();
        var values = names.Select(TmkSamples.Base64).ToList();
        var ids = names.Select(Id).ToList();

        var problems = new List<InputProblem>();
        var imported = Read(format, Handwritten(format, values, ids), problems);
        Assert.Empty(problems);
        Assert.Equal(names.Count, imported.Count);
        Assert.All(imported, r => Assert.Same(SignalTypes.Tmk, r.Type));
        for (int i = 0; i < names.Count; i++)
        {
            Assert.Equal(TmkSamples.Bytes(names[i]), Convert.FromBase64String(imported[i].Value));
            if (format != BankFormat.Plain) Assert.Equal(ids[i], imported[i].ContentId);
        }

        var exported = Write(format, imported);
        var again = Read(format, exported, problems);
        Assert.Empty(problems);
        Assert.Equal(names.Count, again.Count);
        for (int i = 0; i < names.Count; i++)
        {
            Assert.Equal(TmkSamples.Bytes(names[i]), Convert.FromBase64String(again[i].Value));
            if (format != BankFormat.Plain) Assert.Equal(ids[i], again[i].ContentId);
        }
    }

    [Fact]
    public void Vics_export_names_the_hash_as_ncmec_does()
    {
        var value = TmkSamples.Base64("chair-19-sd-bar.tmk");
        var json = Write(BankFormat.Vics, [new EntryRecord(SignalTypes.Tmk, value) { ContentId = "17" }]);
        using var doc = JsonDocument.Parse(json);
        var media = Assert.Single(doc.RootElement.GetProperty("value").EnumerateArray());
        var alternative = Assert.Single(media.GetProperty("AlternativeHashes").EnumerateArray());
        Assert.Equal("TMK_PDQF", alternative.GetProperty("HashName").GetString());
        Assert.Equal(value, alternative.GetProperty("HashValue").GetString());
        Assert.Equal(17, media.GetProperty("MediaID").GetInt64());
    }

    [Fact]
    public void Plain_export_prefixes_each_value_with_its_type()
    {
        var value = TmkSamples.Base64("doorknob-hd-no-bar.tmk");
        Assert.Equal($"tmk {value}\n", Write(BankFormat.Plain, [new EntryRecord(SignalTypes.Tmk, value)]));
    }

    [Fact]
    public void A_headerless_hma_csv_starting_with_a_tmk_row_is_read_as_data()
    {
        var a = TmkSamples.Base64("chair-20-sd-bar.tmk");
        var b = TmkSamples.Base64("pattern-sd-grey-bar.tmk");
        var problems = new List<InputProblem>();
        var records = Read(BankFormat.Csv, $"tmk,{a},clip-a\ntmk,{b},clip-b\n", problems);
        Assert.Empty(problems);
        Assert.Equal([(a, "clip-a"), (b, "clip-b")], records.Select(r => (r.Value, r.ContentId)));
    }

    [Fact]
    public void A_level1_only_value_reads_from_each_text_format_in_both_spellings()
    {
        const string name = "chair-orig-22-sd-bar.tmk";
        var pure = TmkSamples.PureAverage(name);
        var stored = Convert.ToBase64String(TmkSamples.Level1OnlyFile(pure));
        var numbers = TmkSamples.PureAverageNumbers(name);
        var problems = new List<InputProblem>();
        var plain = Read(BankFormat.Plain, $"tmk {Convert.ToBase64String(pure)}\ntmk {numbers}\n", problems);
        var csv = Read(BankFormat.Csv, $"signal_type,signal\ntmk,\"{numbers}\"\n", problems);
        Assert.Empty(problems);
        Assert.Equal([stored, stored, stored], plain.Concat(csv).Select(r => r.Value));
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void A_corrupt_value_is_reported_on_its_line_and_the_others_import(BankFormat format)
    {
        var good = new[] { "chair-19-sd-bar.tmk", "chair-22-sd-grey-bar.tmk", "pattern-hd-no-bar.tmk" };
        var values = good.Select(TmkSamples.Base64).ToList();
        var truncated = values[1][..(values[1].Length / 2 / 4 * 4)];
        var corrupt = values[2][..5000] + "%%" + values[2][5002..];
        var list = new List<string> { values[0], truncated, values[1], corrupt, values[2] };
        var ids = Enumerable.Range(1, list.Count).Select(i => "m" + i).ToList();
        var text = Handwritten(format, list, ids);

        var problems = new List<InputProblem>();
        var records = Read(format, text, problems);
        Assert.Equal(values, records.Select(r => r.Value));

        // The line each bad value sits on, found in the text itself.
        var lines = text.Split('\n');
        long LineOf(string value) => Array.FindIndex(lines, l => l.Contains(value, StringComparison.Ordinal)) + 1;
        Assert.Equal([LineOf(truncated), LineOf(corrupt)], problems.Select(p => p.Line));
        Assert.Contains("truncated", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("base64", problems[1].Message, StringComparison.Ordinal);
        Assert.All(problems, p => Assert.StartsWith($"list:{p.Line}: tmk", p.ToString(), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(BankFormat.Plain, "line longer than 1048576 characters")]
    [InlineData(BankFormat.Csv, "record longer than 1048576 characters")]
    public void A_line_over_the_limit_is_skipped_and_the_next_one_read(BankFormat format, string message)
    {
        var value = TmkSamples.Base64("chair-orig-22-sd-bar.tmk");
        string Line(string v) => format == BankFormat.Plain ? $"tmk {v}\n" : $"tmk,{v},x\n";
        var problems = new List<InputProblem>();
        var records = Read(format, Line(value) + Line(new string('A', ReadOptions.DefaultMaxLineLength + 1)) + Line(value[..^4]) + Line(value), problems);
        Assert.Equal([value, value], records.Select(r => r.Value));
        Assert.Equal(2, problems.Count);
        Assert.Equal((2L, true), (problems[0].Line, problems[0].Message.Contains(message, StringComparison.Ordinal)));
        Assert.Equal(3L, problems[1].Line); // within the limit, but no longer a .tmk file
    }

    [Fact]
    public void A_value_longer_than_any_tmk_but_within_the_line_limit_is_refused_by_the_type()
    {
        var problems = new List<InputProblem>();
        Assert.Empty(Read(BankFormat.Plain, "tmk " + new string('A', 700_000) + "\n", problems));
        Assert.Contains("tmk value longer than", Assert.Single(problems).Message, StringComparison.Ordinal);
    }
}

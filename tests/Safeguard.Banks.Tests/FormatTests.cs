using System.Text;
using System.Text.Json;
using Safeguard.Banks.Formats;
using Safeguard.Signals;

namespace Safeguard.Banks.Tests;

public sealed class FormatTests
{
    private static (List<EntryRecord> Records, List<InputProblem> Problems) ReadText(BankFormat format, string text, SignalType? type = null, SignalType? for64 = null)
    {
        var problems = new List<InputProblem>();
        var options = new ReadOptions { SourceName = "list.txt", OnProblem = problems.Add, DefaultType = type, For64HexDigits = for64 ?? SignalTypes.Pdq };
        var records = BankFormats.Read(format, new MemoryStream(Encoding.UTF8.GetBytes(text)), options).ToList();
        return (records, problems);
    }

    private static List<EntryRecord> ReadFixture(string name, List<InputProblem> problems)
    {
        using var file = File.OpenRead(TestData.FixturePath(name));
        return BankFormats.Read(BankFormat.Vics, file, new ReadOptions { SourceName = name, OnProblem = problems.Add }).ToList();
    }

    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string Md5 = "d41d8cd98f00b204e9800998ecf8427e";
    private const string Sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";

    [Fact]
    public void Plain_lists_infer_types_skip_comments_and_report_bad_lines_by_number()
    {
        var text = $"# list header\n\n{Pdq.ToUpperInvariant()}\r\nmd5 {Md5}  # trailing comment\n{Sha1}\nsha256 {Pdq}\n" +
                   $"{Md5[..31]}g\n{Md5[..30]}\nwhirlpool {Md5}\nmd5 {Sha1}\n\t\n";
        var (records, problems) = ReadText(BankFormat.Plain, text);
        Assert.Equal([$"pdq:{Pdq}", $"md5:{Md5}", $"sha1:{Sha1}", $"sha256:{Pdq}"], records.Select(TestData.Key));
        Assert.Equal([7L, 8L, 9L, 10L], problems.Select(p => p.Line));
        Assert.All(problems, p => Assert.StartsWith("list.txt:", p.ToString()));
        Assert.Contains("non-hex", problems[0].Message);
        Assert.Contains("unknown signal type 'whirlpool'", problems[2].Message);
        Assert.Contains("32 hex digits", problems[3].Message);
    }

    [Fact]
    public void Sixty_four_digit_values_are_sha256_when_told()
    {
        var (records, _) = ReadText(BankFormat.Plain, $"{Pdq}\n{Md5}\n", for64: SignalTypes.Sha256);
        Assert.Equal(["sha256", "md5"], records.Select(r => r.Type.Name));
        var (forced, problems) = ReadText(BankFormat.Plain, $"{Md5}\n{Sha1}\n", type: SignalTypes.Md5);
        Assert.Single(forced);
        Assert.Equal(2L, Assert.Single(problems).Line);
    }

    [Fact]
    public void Empty_and_comment_only_inputs_yield_nothing()
    {
        foreach (var format in new[] { BankFormat.Plain, BankFormat.Csv })
        {
            Assert.Empty(ReadText(format, "").Records);
            Assert.Empty(ReadText(format, "\n\n  \n").Records);
        }
        Assert.Empty(ReadText(BankFormat.Plain, "# nothing\n").Records);
        Assert.Empty(ReadText(BankFormat.Csv, "signal_type,signal\n").Records);
        var ex = Assert.Throws<BankFormatException>(() => BankFormats.Read(BankFormat.Vics, new MemoryStream(), new ReadOptions { SourceName = "e.json" }).ToList());
        Assert.Contains("e.json", ex.Message);
    }

    [Fact]
    public void A_huge_single_line_is_skipped_without_reading_it_into_memory()
    {
        // 64 MB of hex digits without a line break, then a good line.
        var stream = new ConcatStream(new RepeatingStream((byte)'a', 64L << 20), new MemoryStream(Encoding.ASCII.GetBytes($"\n{Md5}\n")));
        var problems = new List<InputProblem>();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var records = BankFormats.Read(BankFormat.Plain, stream, new ReadOptions { SourceName = "huge.txt", OnProblem = problems.Add }).ToList();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(Md5, Assert.Single(records).Value);
        Assert.Equal("huge.txt:1: line longer than 1048576 characters, skipped", Assert.Single(problems).ToString());
        Assert.True(allocated < 16L << 20, $"allocated {allocated} bytes for a 64 MB line");

        var csvStream = new ConcatStream(new RepeatingStream((byte)'b', 8L << 20), new MemoryStream(Encoding.ASCII.GetBytes($"\nmd5,{Md5}\n")));
        var csvProblems = new List<InputProblem>();
        var csv = BankFormats.Read(BankFormat.Csv, csvStream, new ReadOptions { SourceName = "huge.csv", OnProblem = csvProblems.Add }).ToList();
        Assert.Equal(Md5, Assert.Single(csv).Value);
        Assert.Contains("longer than", Assert.Single(csvProblems).Message);
    }

    [Fact]
    public void Binary_garbage_is_reported_not_crashed_on()
    {
        var rng = new Random(3);
        var bytes = new byte[200_000];
        rng.NextBytes(bytes);
        foreach (var format in new[] { BankFormat.Plain, BankFormat.Csv })
        {
            var problems = new List<InputProblem>();
            var records = BankFormats.Read(format, new MemoryStream(bytes), new ReadOptions { OnProblem = problems.Add }).ToList();
            Assert.Empty(records);
            Assert.NotEmpty(problems);
        }
        Assert.Throws<BankFormatException>(() => BankFormats.Read(BankFormat.Vics, new MemoryStream(bytes), new ReadOptions()).ToList());
    }

    [Fact]
    public void Csv_columns_are_found_by_name_with_quoting_and_unknown_columns()
    {
        var text = "\uFEFFnotes,Signal,tags,Content_ID,signal_type,category,grade\r\n" +
                   $"\"said \"\"hi\"\", then left\",{Md5},a;b,\"id,1\",md5,2,\r\n" +
                   $"\"multi\nline\",{Sha1},,x,,B,\n" +
                   $"n,{Pdq},,y,pdq,9,\n" +
                   $"n,{Pdq},,y,pdq,,D\n";
        var (records, problems) = ReadText(BankFormat.Csv, text);
        Assert.Equal(2, records.Count);
        Assert.Equal(("md5", Md5, "id,1", (int?)2, (string?)null, "a;b"), (records[0].Type.Name, records[0].Value, records[0].ContentId, records[0].Category, records[0].Grade, string.Join(";", records[0].Tags)));
        Assert.Equal(("sha1", "x", (int?)null, "B"), (records[1].Type.Name, records[1].ContentId, records[1].Category, records[1].Grade));
        Assert.Equal([5L, 6L], problems.Select(p => p.Line));
    }

    [Fact]
    public void Hma_style_headerless_csv_and_hash_named_columns_are_read()
    {
        var (hma, p1) = ReadText(BankFormat.Csv, $"pdq,{Pdq},1234,extra metadata\nmd5,{Md5},1235\nwhirlpool,{Md5},1236\n");
        Assert.Equal([("pdq", "1234"), ("md5", "1235")], hma.Select(r => (r.Type.Name, r.ContentId!)));
        Assert.Equal(3L, Assert.Single(p1).Line);

        var (bare, _) = ReadText(BankFormat.Csv, $"{Md5},c1\n{Sha1},c2\n");
        Assert.Equal([("md5", "c1"), ("sha1", "c2")], bare.Select(r => (r.Type.Name, r.ContentId!)));

        var (wide, _) = ReadText(BankFormat.Csv, $"id,MD5,SHA1,PDQ\n9,{Md5},{Sha1},\n");
        Assert.Equal(["md5", "sha1"], wide.Select(r => r.Type.Name));
        Assert.All(wide, r => Assert.Equal("9", r.ContentId));
    }

    [Fact]
    public void Csv_writer_quotes_what_needs_it_and_round_trips()
    {
        var tricky = new List<EntryRecord>
        {
            new(SignalTypes.Md5, Md5) { ContentId = "a,b \"quoted\"\nnext line", Category = 0, Tags = ["x y", "z"] },
            new(SignalTypes.Sha1, Sha1) { ContentId = " padded ", Grade = "C" },
            new(SignalTypes.Pdq, Pdq) { ContentId = "#hash-like" },
        }.Concat(TestData.Many(300)).ToList();
        var buffer = new MemoryStream();
        BankFormats.Write(BankFormat.Csv, buffer, tricky);
        buffer.Position = 0;
        var problems = new List<InputProblem>();
        var back = BankFormats.Read(BankFormat.Csv, buffer, new ReadOptions { OnProblem = problems.Add }).ToList();
        Assert.Empty(problems);
        // " padded " loses its spaces: fields are trimmed on reading.
        Assert.Equal(tricky.Select(TestData.Describe).Select(d => d.Replace(" padded ", "padded")), back.Select(TestData.Describe));
    }

    [Fact]
    public void Csv_writer_guards_formulas_and_the_reader_restores_the_exact_values()
    {
        // Content ids and tags are bank-supplied text: a spreadsheet must not run them as formulas.
        string[] hostile = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "'=already guarded", "''-two quotes", "'plain quote", "a=b"];
        var records = hostile.Select((id, i) => new EntryRecord(SignalTypes.Md5, Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData([(byte)i])))
            { ContentId = id, Tags = [id.Replace(',', ' ')] }).ToList();
        var buffer = new MemoryStream();
        BankFormats.Write(BankFormat.Csv, buffer, records);
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var rows = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(hostile.Length, rows.Count);
        foreach (var (id, row) in hostile.Zip(rows))
        {
            // The content id is the third field; a guarded field is quoted and starts with a single quote.
            string third = row.Split(',')[2];
            bool formula = id.TrimStart('\'').Length > 0 && "=+-@\t\r".Contains(id.TrimStart('\'')[0]);
            if (formula) Assert.StartsWith("\"'", third);
            else Assert.False(third.StartsWith("\"'", StringComparison.Ordinal), row);
        }
        Assert.DoesNotContain(text.Split('\n'), line => line.Split(',').Any(f => f.Length > 0 && "=+-@".Contains(f[0])));
        buffer.Position = 0;
        var problems = new List<InputProblem>();
        var back = BankFormats.Read(BankFormat.Csv, buffer, new ReadOptions { OnProblem = problems.Add }).ToList();
        Assert.Empty(problems);
        Assert.Equal(hostile.Select(h => h.Trim()), back.Select(r => r.ContentId));
    }

    [Fact]
    public void Plain_writer_round_trips()
    {
        var records = TestData.Many(1000);
        var buffer = new MemoryStream();
        BankFormats.Write(BankFormat.Plain, buffer, records);
        buffer.Position = 0;
        var back = BankFormats.Read(BankFormat.Plain, buffer, new ReadOptions()).ToList();
        Assert.Equal(records.Select(TestData.Key), back.Select(TestData.Key));
    }

    [Fact]
    public void Vics_v13_media_with_bom_string_booleans_null_category_and_pdq_alternative_hash()
    {
        var problems = new List<InputProblem>();
        var records = ReadFixture("vics-v1.3-media-bom.json", problems);
        Assert.Equal(
            [("md5", "0cc175b9c0f1b6a831c399e269772661", "1001", (int?)1),
             ("pdq", Pdq, "1001", 1),
             ("md5", "92eb5ffee6ae2fec3ad71c777531578f", "1002", null),
             ("sha1", "e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98", "1002", null)],
            records.Select(r => (r.Type.Name, r.Value, r.ContentId!, r.Category)));
        // The bad MD5 of media 1003 (line 36) and media 1004 without hashes are reported, the rest is read.
        Assert.Equal(2, problems.Count);
        Assert.Equal(36L, problems[0].Line);
        Assert.Contains("md5", problems[0].Message);
        Assert.Contains("1004", problems[1].Message);
    }

    [Fact]
    public void Vics_v20_cases_each_with_media()
    {
        var problems = new List<InputProblem>();
        var records = ReadFixture("vics-v2.0-cases.json", problems);
        Assert.Empty(problems);
        Assert.Equal(
            [("md5", "d41d8cd98f00b204e9800998ecf8427e", "1", (int?)1, "A"),
             ("pdq", Pdq, "1", 1, "A"),
             ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "2", 0, null),
             ("md5", "900150983cd24fb0d6963f7d28e17f72", "2", 0, null),
             ("sha1", Sha1, "3", 4, null)],
            records.Select(r => (r.Type.Name, r.Value, r.ContentId!, r.Category, r.Grade)));
        Assert.Equal(["series-x"], records[0].Tags);
    }

    [Fact]
    public void Vics_v20_media_on_one_line_with_a_wrong_count()
    {
        var problems = new List<InputProblem>();
        var records = ReadFixture("vics-v2.0-media.json", problems);
        Assert.Empty(problems);
        Assert.Equal([("c4ca4238a0b923820dcc509a6f75849b", (int?)2), ("c81e728d9d4c2f636f067f89cc14862c", null)], records.Select(r => (r.Value, r.Category)));
        Assert.Equal(["a", "b"], records[0].Tags);
    }

    [Theory]
    [InlineData("vics-truncated.json")]
    public void Truncated_vics_fails_with_the_file_name(string name)
    {
        var ex = Assert.Throws<BankFormatException>(() => ReadFixture(name, []));
        Assert.StartsWith(name + ":", ex.Message);
        Assert.True(ex.Line > 1);
    }

    [Theory]
    [InlineData("[1,2,3]", "expected '{'")]
    [InlineData("{\"odata.metadata\": \"x\"}", "no 'value' array")]
    [InlineData("{\"value\": 5}", "must be an array")]
    [InlineData("{\"value\": []} {", "malformed JSON")]
    [InlineData("{\"value\": [{\"MD5\": \"", "malformed JSON")]
    public void Structurally_broken_vics_is_refused(string json, string expected)
    {
        var ex = Assert.Throws<BankFormatException>(() =>
            BankFormats.Read(BankFormat.Vics, new MemoryStream(Encoding.UTF8.GetBytes(json)), new ReadOptions { SourceName = "bad.json" }).ToList());
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void An_oversized_json_string_is_refused_without_buffering_it()
    {
        var head = new MemoryStream(Encoding.ASCII.GetBytes("{\"value\":[{\"Comments\":\""));
        var stream = new ConcatStream(head, new RepeatingStream((byte)'x', 32L << 20));
        var ex = Assert.Throws<BankFormatException>(() =>
            BankFormats.Read(BankFormat.Vics, stream, new ReadOptions { SourceName = "big.json" }).ToList());
        Assert.Contains("larger than", ex.Message);
    }

    [Fact]
    public void Vics_writer_output_is_read_back_and_parsed_by_a_dom_parser()
    {
        var records = TestData.Many(400);
        var buffer = new MemoryStream();
        BankFormats.Write(BankFormat.Vics, buffer, records);

        // Second implementation: the DOM parser sees the same hashes.
        using var doc = JsonDocument.Parse(buffer.ToArray());
        Assert.EndsWith("/Default/$metadata#Media", doc.RootElement.GetProperty("@odata.context").GetString());
        var domMd5 = doc.RootElement.GetProperty("value").EnumerateArray()
            .Where(m => m.TryGetProperty("MD5", out _)).Select(m => m.GetProperty("MD5").GetString()!.ToLowerInvariant()).Order().ToList();
        Assert.Equal(records.Where(r => r.Type == SignalTypes.Md5).Select(r => r.Value).Order(), domMd5);

        buffer.Position = 0;
        var back = BankFormats.Read(BankFormat.Vics, buffer, new ReadOptions()).ToList();
        Assert.Equal(records.Select(TestData.Describe).Order(), back.Select(TestData.Describe).Order());
    }

    [Fact]
    public void Vics_cases_writer_carries_media_files()
    {
        var buffer = new MemoryStream();
        using (var w = new VicsWriter(buffer, VicsDocumentKind.Cases, "UK"))
        {
            w.BeginCase(new VicsCase { CaseNumber = "C-1" });
            w.WriteMedia(new VicsMedia
            {
                MediaId = "5", Category = 1, Md5 = Md5, Pdq = Pdq,
                MediaFiles = [new VicsMediaFile(Md5, "a.jpg", "/mnt/evidence/a.jpg"), new VicsMediaFile(Md5, "copy.jpg", "/mnt/evidence/b/copy.jpg") { Deleted = true }],
            });
            w.EndCase();
            Assert.Throws<InvalidOperationException>(() => w.WriteMedia(new VicsMedia()));
            w.Complete();
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        Assert.EndsWith("/UK/$metadata#Cases", doc.RootElement.GetProperty("@odata.context").GetString());
        var media = doc.RootElement.GetProperty("value")[0].GetProperty("Media")[0];
        Assert.Equal(Md5.ToUpperInvariant(), media.GetProperty("MD5").GetString());
        Assert.Equal(["a.jpg", "copy.jpg"], media.GetProperty("MediaFiles").EnumerateArray().Select(f => f.GetProperty("FileName").GetString()));
        Assert.True(media.GetProperty("MediaFiles")[1].GetProperty("Deleted").GetBoolean());

        buffer.Position = 0;
        var back = BankFormats.Read(BankFormat.Vics, buffer, new ReadOptions()).ToList();
        Assert.Equal([("md5", Md5), ("pdq", Pdq)], back.Select(r => (r.Type.Name, r.Value)));
    }

    [Theory]
    [InlineData("x.json", "", BankFormat.Vics)]
    [InlineData("x.CSV", "", BankFormat.Csv)]
    [InlineData(null, "\uFEFF  {\"value\":[]}", BankFormat.Vics)]
    [InlineData(null, "# c\nmd5,abc\n", BankFormat.Csv)]
    [InlineData("list.txt", "# c\n\nmd5 abc\n", BankFormat.Plain)]
    [InlineData(null, "", BankFormat.Plain)]
    [InlineData(null, "vpdq e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,100,0.000\n", BankFormat.Plain)]
    [InlineData(null, "# level-1 tmk\ntmk 0.25,-0.5,1e-3\n", BankFormat.Plain)]
    [InlineData(null, "tmk,VE1LMUZWRUNQRFFG,clip\n", BankFormat.Csv)]
    [InlineData(null, "signal type,signal\n", BankFormat.Csv)]
    [InlineData(null, "hash value,content id\n", BankFormat.Csv)]
    public void Formats_are_detected(string? name, string head, BankFormat expected) =>
        Assert.Equal(expected, BankFormats.Detect(name, Encoding.UTF8.GetBytes(head)));

    [Fact]
    public void Signal_types_validate_and_normalise()
    {
        Assert.Equal(Md5, SignalTypes.Md5.TryNormalize(" " + Md5.ToUpperInvariant() + " ", out _));
        Assert.Null(SignalTypes.Sha1.TryNormalize(Md5, out var error));
        Assert.Contains("40", error);
        Assert.True(SignalTypes.TryGet("SHA-256", out var t) && t == SignalTypes.Sha256);
        Assert.False(SignalTypes.TryGet("whirlpool", out _)); // vpdq and video_md5 are built in
        // The set is open: a later signal type is registered, then read like the others.
        SignalTypes.Register(new Safeguard.Signals.Exact.OtherDigestSignal("test_sig16", 8));
        var (records, problems) = ReadText(BankFormat.Plain, "test_sig16 0123456789ABCDEF\n");
        Assert.Empty(problems);
        Assert.Equal("0123456789abcdef", Assert.Single(records).Value);
    }
}

/// <summary>A stream of one byte repeated, produced on demand (no buffer of its size).</summary>
internal sealed class RepeatingStream(byte value, long length) : Stream
{
    private long _pos;
    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = (int)Math.Min(count, length - _pos);
        buffer.AsSpan(offset, n).Fill(value);
        _pos += n;
        return n;
    }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _pos; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal sealed class ConcatStream(params Stream[] parts) : Stream
{
    private int _i;
    public override int Read(byte[] buffer, int offset, int count)
    {
        while (_i < parts.Length)
        {
            int n = parts[_i].Read(buffer, offset, count);
            if (n > 0) return n;
            _i++;
        }
        return 0;
    }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

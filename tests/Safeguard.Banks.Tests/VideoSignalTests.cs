using System.Text;
using Safeguard.Banks.Formats;
using Safeguard.Banks.Storage;
using Safeguard.Signals;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Banks.Tests;

/// <summary>The video signal types (vpdq, video_md5) through every exchange format and the SQLite store.</summary>
public sealed class VideoSignalTests
{
    private const string H1 = "e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c";
    private const string H2 = "c0f11178372c6aaccddea259648fbfd62f434c89c9e99b249772be216c8d055c";
    private static readonly string Vpdq = $"{H1.ToUpperInvariant()},100,0;{H2},98,1.0333";
    private static readonly string VpdqCanonical = $"{H1},100,0.000;{H2},98,1.033";
    private const string VideoMd5 = "0123456789abcdef0123456789abcdef";

    private static List<EntryRecord> Read(BankFormat format, string text, List<InputProblem> problems) =>
        BankFormats.Read(format, new MemoryStream(Encoding.UTF8.GetBytes(text)), new ReadOptions { SourceName = "v", OnProblem = problems.Add }).ToList();

    [Fact]
    public void Vpdq_values_are_checked_and_canonicalised()
    {
        Assert.Equal(VpdqCanonical, SignalTypes.Vpdq.TryNormalize(Vpdq, out var error));
        Assert.Null(error);
        foreach (var bad in new[] { "", $"{H1},100", $"{H1},101,0", $"{H1[..63]},50,0", $"{H1},50,-1", $"{H1},50,0;", "x,y,z" })
        {
            Assert.Null(SignalTypes.Vpdq.TryNormalize(bad, out error));
            Assert.NotNull(error);
        }
        Assert.True(SignalTypes.TryGet("vpdq", out _));
        Assert.True(SignalTypes.TryGet("video_md5", out _));
    }

    [Theory]
    [InlineData(BankFormat.Plain)]
    [InlineData(BankFormat.Csv)]
    [InlineData(BankFormat.Vics)]
    public void Video_signals_round_trip_through_each_format(BankFormat format)
    {
        var records = new List<EntryRecord>
        {
            new(SignalTypes.Vpdq, VpdqCanonical) { ContentId = "clip-1" },
            new(SignalTypes.VideoMd5, VideoMd5) { ContentId = "clip-1" },
        };
        var stream = new MemoryStream();
        BankFormats.Write(format, stream, records);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        var problems = new List<InputProblem>();
        var back = Read(format, text, problems);
        Assert.Empty(problems);
        string Key(EntryRecord r) => $"{r.Type.Name}:{r.Value}:{(format == BankFormat.Plain ? "" : r.ContentId)}"; // plain lists carry no ids
        Assert.Equal(records.Select(Key).Order(), back.Select(Key).Order());
    }

    [Fact]
    public void Vics_carries_video_signals_as_alternative_hashes()
    {
        var stream = new MemoryStream();
        BankFormats.Write(BankFormat.Vics, stream, [new EntryRecord(SignalTypes.Vpdq, VpdqCanonical) { ContentId = "7" }, new EntryRecord(SignalTypes.VideoMd5, VideoMd5) { ContentId = "7" }]);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("\"HashName\":\"VPDQ\"", text.Replace(" ", ""));
        Assert.Contains("\"HashName\":\"VIDEO_MD5\"", text.Replace(" ", ""));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "MediaID"));
    }

    [Fact]
    public void Plain_and_csv_inputs_name_the_video_types()
    {
        var problems = new List<InputProblem>();
        var plain = Read(BankFormat.Plain, $"vpdq {Vpdq}\nvideo_md5 {VideoMd5.ToUpperInvariant()}\nvpdq {H1},500,0\n", problems);
        Assert.Equal([$"vpdq:{VpdqCanonical}", $"video_md5:{VideoMd5}"], plain.Select(r => $"{r.Type.Name}:{r.Value}"));
        Assert.Equal(3L, Assert.Single(problems).Line);
        problems.Clear();
        var csv = Read(BankFormat.Csv, $"signal_type,signal,content_id\nvpdq,\"{Vpdq}\",c1\n", problems);
        Assert.Empty(problems);
        Assert.Equal(VpdqCanonical, Assert.Single(csv).Value);
    }

    [Fact]
    public async Task Sqlite_store_keeps_and_finds_video_signals()
    {
        var dir = Directory.CreateTempSubdirectory("safeguard-video-bank-").FullName;
        try
        {
            await using var store = await SqliteBankStore.OpenAsync(Path.Combine(dir, "b.db"));
            await store.CreateBankAsync("videos");
            var result = await store.ImportAsync("videos", [new(SignalTypes.Vpdq, VpdqCanonical), new(SignalTypes.VideoMd5, VideoMd5)]);
            Assert.Equal(2, result.Added);
            Assert.Single(await store.FindAsync(SignalTypes.VideoMd5, VideoMd5));
            Assert.Single(await store.FindAsync(SignalTypes.Vpdq, VpdqCanonical));
        }
        finally { Directory.Delete(dir, true); }
    }
}

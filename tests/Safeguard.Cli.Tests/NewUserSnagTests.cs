using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>What a new user ran into: silent non-media, images passed to `video hash`, audit order, --resume without a scan.</summary>
public sealed class NewUserSnagTests : CliFixture
{
    private static readonly string Videos = Path.Combine(TestData.Vpdq, "videos");
    private static string Image(string rel) => Path.Combine(Pdq, rel);

    private string Copy(string source, string name)
    {
        var target = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
        return target;
    }

    [Fact]
    public void Video_hash_refuses_a_jpeg_by_name_and_still_hashes_the_video()
    {
        var jpeg = Copy(Image("bridge-mods/aaa-orig.jpg"), "photo.jpg");
        var video = Copy(Path.Combine(Videos, "test-padded-dimensions.mp4"), "clip.mp4");
        var r = Run("video", "hash", "--format", "csv", jpeg, video);
        Assert.Equal(1, r.Exit);
        Assert.Contains($"safeguard: {jpeg}: a JPEG image, not a video", r.Err);
        var rows = Rows(r.Out);
        Assert.Equal([video], rows.Select(x => x["content_id"]));
    }

    [Fact]
    public void Match_names_a_file_that_is_no_image_or_video_and_exits_1()
    {
        var text = Path.Combine(Dir, "README.md");
        File.WriteAllText(text, "# not an image\n");
        var r = Run("match", text);
        Assert.Equal(1, r.Exit);
        Assert.Equal("", r.Out.Split('\n', 2)[1]); // the header row only: no match
        Assert.Contains($"safeguard: {text}: not an image or video: no PDQ computed", r.Err);
    }

    [Fact]
    public void Match_counts_non_media_files_found_in_folders()
    {
        var folder = Path.Combine(Dir, "evidence");
        Copy(Image("bridge-mods/aaa-orig.jpg"), "evidence/a.jpg");
        File.WriteAllText(Path.Combine(folder, "b.txt"), "text");
        File.WriteAllText(Path.Combine(folder, "c.txt"), "more text");
        var r = Run("match", folder);
        Assert.Equal(0, r.Exit);
        Assert.Contains("safeguard: no PDQ computed for 2 files (not images or videos); matched by exact hashes only", r.Err);
    }

    [Fact]
    public void Audit_list_limit_shows_the_newest_entries_oldest_first()
    {
        string[] names = ["k1", "k2", "k3", "k4", "k5"];
        foreach (var name in names) RunOk("keys", "create", name, "--roles", "hasher");
        var created = RunOk("audit", "list", "--limit", "3").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t')).Where(f => f[3] == "key.create").ToList();
        // The keys were created k1..k5, one entry each: the newest three entries are k3, k4, k5.
        Assert.Equal(3, created.Count);
        Assert.Equal(["k3", "k4", "k5"], created.Select(f => System.Text.RegularExpressions.Regex.Match(f[5], "name=(\\w+)").Groups[1].Value));
        var seqs = created.Select(f => long.Parse(f[0])).ToList();
        Assert.Equal(seqs.Order(), seqs);
    }

    [Fact]
    public void Scan_resume_without_a_journal_is_refused()
    {
        var evidence = Path.Combine(Dir, "ev");
        Copy(Image("bridge-mods/aaa-orig.jpg"), "ev/a.jpg");
        var outDir = Path.Combine(Dir, "out");
        var never = Run("scan", evidence, "--out", outDir, "--resume");
        Assert.Equal(2, never.Exit);
        Assert.Contains("no interrupted scan in", never.Err);
        Assert.False(File.Exists(Path.Combine(outDir, "files.jsonl")));

        RunOk("scan", evidence, "--out", outDir);
        var finished = Run("scan", evidence, "--out", outDir, "--resume");
        Assert.Equal(2, finished.Exit);
        Assert.Contains("already finished", finished.Err);
    }

    [Fact]
    public void Video_rows_are_headerless_like_metas_files_and_the_doc_shows_them_so()
    {
        var doc = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "video.md"));
        int intro = Array.FindIndex(doc, l => l.StartsWith("`rows` output (the default)", StringComparison.Ordinal));
        int fence = Array.FindIndex(doc, intro, l => l.StartsWith("```", StringComparison.Ordinal));
        string documented = doc[fence + 1];
        string meta = File.ReadLines(Path.Combine(TestData.Vpdq, "sample-hashes", "chair-19-sd-bar.txt")).First();
        Assert.Equal(meta, documented);

        var r = Run("video", "hash", Path.Combine(Videos, "chair-19-sd-bar.mp4"));
        Assert.Equal(0, r.Exit);
        var rows = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        Assert.All(rows, f => Assert.True(f.Length == 4 && int.TryParse(f[0], out _), string.Join(',', f)));
        Assert.Equal(("0", "0.000"), (rows[0][0], rows[0][3]));
    }

    [Fact]
    public void Progress_lines_go_to_stderr_only_and_no_progress_turns_them_off()
    {
        var folder = Path.Combine(Dir, "many");
        var sources = Directory.GetFiles(Path.Combine(Pdq, "reg-test-input"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(40).ToList();
        Directory.CreateDirectory(folder);
        foreach (var (source, i) in sources.Select((x, i) => (x, i))) File.Copy(source, Path.Combine(folder, $"{i:D3}.jpg"));
        var fast = new Dictionary<string, string> { ["SAFEGUARD_PROGRESS_INTERVAL"] = "0.01" };

        var r = SafeguardProcess.Run(["hash", folder, "--signals", "pdq", "--threads", "1"], env: fast);
        Assert.Equal(0, r.Exit);
        var rows = SafeguardProcess.ParseCsv(r.Out);
        Assert.Equal(["path", "pdq", "quality"], rows[0]);
        Assert.Equal(sources.Count, rows.Count - 1);
        Assert.All(rows, row => Assert.Equal(3, row.Length));
        var progress = r.ErrLines.Where(l => l.StartsWith("safeguard: hash: ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        // Counts only grow and never pass the number of files.
        var counts = progress.Where(l => !l.Contains("done", StringComparison.Ordinal))
            .Select(l => long.Parse(l["safeguard: hash: ".Length..].Split(' ')[0], System.Globalization.NumberStyles.AllowThousands)).ToList();
        Assert.Equal(counts.Order(), counts);
        Assert.All(counts, c => Assert.InRange(c, 0, sources.Count));

        var quiet = SafeguardProcess.Run(["hash", folder, "--signals", "pdq", "--threads", "1", "--no-progress"], env: fast);
        Assert.Equal(r.Out, quiet.Out);
        Assert.DoesNotContain(quiet.ErrLines, l => l.StartsWith("safeguard: hash: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_writes_each_videos_vpdq_and_counts_videos_apart_from_images()
    {
        var video = Path.Combine(Videos, "test-padded-dimensions.mp4");
        Copy(video, "ev/a-clip.mp4");
        Copy(video, "ev/b-copy.mp4");
        Copy(Image("bridge-mods/aaa-orig.jpg"), "ev/c-photo.jpg");
        File.WriteAllText(Path.Combine(Dir, "ev", "d-notes.txt"), "text");
        var outDir = Path.Combine(Dir, "out");
        var r = RunOk("scan", Path.Combine(Dir, "ev"), "--out", outDir);
        Assert.Contains("no PDQ computed for 1 file (not images or videos)", r.Err);

        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json"))).RootElement;
        int Count(string name) => summary.GetProperty(name).GetInt32();
        Assert.Equal((1, 1, 0), (Count("images"), Count("unique_images"), Count("duplicate_images")));
        Assert.Equal((2, 1, 1), (Count("videos"), Count("unique_videos"), Count("duplicate_videos")));
        Assert.Equal((1, 1), (Count("duplicates"), Count("other_files")));

        var first = File.ReadLines(Path.Combine(outDir, "files.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("path").GetString()!.EndsWith("a-clip.mp4", StringComparison.Ordinal));
        Assert.True(first.TryGetProperty("tmk", out _));
        // Meta's every-frame hashes of this video: each sampled frame is one of them (same time), its hash within a few bits.
        var meta = File.ReadLines(Path.Combine(TestData.Vpdq, "sample-hashes", "test-padded-dimensions.txt"))
            .Select(l => l.Split(',')).ToDictionary(f => f[3], f => f[2]);
        var frames = first.GetProperty("vpdq").GetString()!.Split(';').Select(f => f.Split(',')).ToList();
        Assert.NotEmpty(frames);
        Assert.All(frames, f => Assert.True(meta.TryGetValue(f[2], out var hash) && Distance(hash, f[0]) <= 16, string.Join(',', f)));
    }

    [Fact]
    public void Bank_import_reports_progress_on_stderr_and_its_summary_on_stdout()
    {
        var rng = new Random(15);
        var list = Path.Combine(Dir, "list.txt");
        File.WriteAllLines(list, Enumerable.Range(0, 20_000).Select(_ => Convert.ToHexStringLower(RandomBytes(rng, 32))));
        RunOk("bank", "create", "big");
        var r = SafeguardProcess.Run(["bank", "import", "big", list, "--db", Db], env: new Dictionary<string, string> { ["SAFEGUARD_PROGRESS_INTERVAL"] = "0.001" });
        Assert.Equal(0, r.Exit);
        Assert.Equal([$"{list} (plain): read 20000, added 20000, updated 0, unchanged 0, re-enabled 0, disabled 0, skipped 0"], r.OutLines);
        Assert.Contains(r.ErrLines, l => l.StartsWith("safeguard: bank import: ", StringComparison.Ordinal) && l.Contains(" entries", StringComparison.Ordinal));
    }

    private static byte[] RandomBytes(Random rng, int count)
    {
        var bytes = new byte[count];
        rng.NextBytes(bytes);
        return bytes;
    }
}

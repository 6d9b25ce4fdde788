using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Pdq;
using Safeguard.Server.Media;
using Safeguard.Video.Vpdq;
using static Safeguard.Server.Tests.ServerHarness;
using Safeguard.Signals;

namespace Safeguard.Server.Tests;

/// <summary>Videos through the service: hashing, frame/video_md5/vPDQ lookups, review items, bad videos.</summary>
public abstract class VideoContract
{
    protected abstract Task<string> DbAsync();

    private static string Video(string name) => Path.Combine(TestData.Vpdq, "videos", name);

    /// <summary>Meta's reference hash of one frame, from its vPDQ output (frame,quality,pdq,seconds).</summary>
    private static (string Pdq, int Quality, double Seconds) ReferenceFrame(string video, int frame)
    {
        var line = System.IO.File.ReadLines(Path.Combine(TestData.Vpdq, "sample-hashes", video + ".txt"))
            .First(l => l.StartsWith(frame + ",", StringComparison.Ordinal)).Split(',');
        return (line[2], int.Parse(line[1]), double.Parse(line[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static MultipartFormDataContent VideoForm(byte[] bytes, string fileName, string field = "file")
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(content, field, fileName);
        return form;
    }

    private static string Md5(byte[] b) => Convert.ToHexStringLower(MD5.HashData(b));

    [SkippableFact]
    public async Task Uploaded_video_is_hashed_like_the_library_hashes_the_file()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db);
        var hasher = await h.ClientAsync("hasher");
        var path = Video("chair-19-sd-bar.mp4");
        var bytes = System.IO.File.ReadAllBytes(path);
        // Second path: the library hashing the file on disk, not the server's in-memory copy.
        var expected = VpdqHasher.HashFile(path, VideoHasher.Options);
        Assert.False(expected.Failed, expected.Error);
        var expectedVpdq = SignalTypes.Vpdq.Format(expected.Frames);

        var r = await hasher.PostAsync("/v1/hash", VideoForm(bytes, "chair.mp4"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await Json(r);
        Assert.Equal(expectedVpdq, body.GetProperty("vpdq").GetString());
        Assert.Equal(expected.Frames.Count, body.GetProperty("vpdq_frames").GetInt32());
        Assert.Equal(Md5(bytes), body.GetProperty("video_md5").GetString());
        Assert.Equal(Md5(bytes), body.GetProperty("md5").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), body.GetProperty("sha256").GetString());
        Assert.Equal(expected.Info!.Width, body.GetProperty("width").GetInt32());
        Assert.Equal(expected.Info.Height, body.GetProperty("height").GetInt32());
        Assert.Equal(bytes.Length, body.GetProperty("size").GetInt64());
        Assert.False(body.TryGetProperty("pdq", out _));

        // HMA's shape: video_md5, vpdq and tmk.
        r = await hasher.PostAsync("/h/hash", VideoForm(bytes, "chair.mp4", "video"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var hma = await Json(r);
        Assert.Equal(["tmk", "video_md5", "vpdq"], hma.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(Md5(bytes), hma.GetProperty("video_md5").GetString());
        Assert.Equal(expectedVpdq, hma.GetProperty("vpdq").GetString());
    }

    [SkippableFact]
    public async Task Video_lookup_finds_a_frame_its_md5_and_the_whole_video()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db);
        var matcher = await h.ClientAsync("matcher");
        var path = Video("chair-19-sd-bar.mp4");
        var bytes = System.IO.File.ReadAllBytes(path);
        var frame = ReferenceFrame("chair-19-sd-bar", 240);
        Assert.Equal(100, frame.Quality);

        // Nothing banked for it yet: no matches, no review item (this also loads the vPDQ cache).
        long before = await h.ReviewCountAsync();
        var r = await matcher.PostAsync("/v1/lookup/file", VideoForm(bytes, "chair.mp4"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await Json(r);
        Assert.Empty(body.GetProperty("matches").EnumerateArray());
        Assert.False(body.TryGetProperty("review_item_id", out _));
        Assert.Equal(before, await h.ReviewCountAsync());

        var ownVpdq = SignalTypes.Vpdq.Format(VpdqHasher.HashFile(path, VideoHasher.Options).Frames);
        await AddAsync(h, "frames", "pdq", frame.Pdq);
        await AddAsync(h, "exact", "video_md5", Md5(bytes));
        await AddAsync(h, "whole", "vpdq", ownVpdq);
        await Task.Delay(1200); // the vPDQ cache checks the change sequence at most once a second

        r = await matcher.PostAsync("/v1/lookup/file", VideoForm(bytes, "chair.mp4"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        body = await Json(r);
        var matches = body.GetProperty("matches").EnumerateArray().ToList();
        var frameHit = Assert.Single(matches, m => m.GetProperty("bank").GetString() == "frames");
        Assert.Equal("pdq", frameHit.GetProperty("signal_type").GetString());
        Assert.Equal(frame.Pdq, frameHit.GetProperty("entry_value").GetString());
        Assert.InRange(frameHit.GetProperty("frame_seconds").GetDouble(), frame.Seconds - 0.1, frame.Seconds + 0.1);
        Assert.InRange(frameHit.GetProperty("distance").GetInt32(), 0, 31);
        var md5Hit = Assert.Single(matches, m => m.GetProperty("bank").GetString() == "exact");
        Assert.Equal("video_md5", md5Hit.GetProperty("signal_type").GetString());
        Assert.Equal(0, md5Hit.GetProperty("distance").GetInt32());
        var videoHit = Assert.Single(matches, m => m.GetProperty("bank").GetString() == "whole");
        Assert.Equal("vpdq", videoHit.GetProperty("signal_type").GetString());
        Assert.Equal(100, videoHit.GetProperty("query_match_percent").GetDouble());

        // The hit is a review item holding one frame, the one at the frame hit's time, never the video.
        long itemId = body.GetProperty("review_item_id").GetInt64();
        Assert.Equal(before + 1, await h.ReviewCountAsync());
        var item = await Json(await h.Admin.GetAsync($"/v1/review/items/{itemId}"));
        var itemJson = item.GetRawText();
        Assert.Contains(Md5(bytes), itemJson);
        Assert.Contains("\"frame_seconds\"", itemJson);
        Assert.True(item.GetProperty("has_media").GetBoolean());
        Assert.Contains("frame of the video at 8.000 s", item.GetProperty("media_note").GetString());
        Assert.Equal(1L, (long)(await h.State.Db.ScalarAsync("SELECT COUNT(*) FROM review_media"))!);
        var stored = (await h.State.Review.GetMediaAsync(itemId))!;
        Assert.Equal(0x89, stored[0]); // PNG, not the MP4
        Assert.True(stored.Length < bytes.Length);
        Assert.InRange(PdqOf(stored).DistanceTo(Hash256.Parse(frame.Pdq)), 0, 16);
        // Meta's frame a second earlier is far from the banked one, so the distance above picks out the frame.
        Assert.InRange(PdqOf(stored).DistanceTo(Hash256.Parse(ReferenceFrame("chair-19-sd-bar", 210).Pdq)), 33, 256);

        // A reviewer gets it as an image item's media: blurred and greyscale unless asked otherwise, audited.
        var reviewer = await h.ClientAsync("reviewer");
        r = await reviewer.GetAsync($"/v1/review/items/{itemId}/media");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var blurred = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal(0x89, blurred[0]);
        Assert.True(IsGreyscale(blurred));
        Assert.NotEqual(stored, blurred);
        var audit = await Json(await h.Admin.GetAsync($"/v1/audit?action=media.view.blurred&target=item:{itemId}"));
        Assert.Contains($"item:{itemId}", audit.GetRawText());

        // HMA's lookup: banks per signal type, frame hits counted under vpdq; no review item.
        r = await matcher.PostAsync("/m/lookup", VideoForm(bytes, "chair.mp4", "video"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var hma = await Json(r);
        Assert.Equal(["exact"], hma.GetProperty("video_md5").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["frames", "whole"], hma.GetProperty("vpdq").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.Equal(before + 1, await h.ReviewCountAsync());

        // Another video: neither the frame (31 bits) nor the whole-video rule matches.
        var other = System.IO.File.ReadAllBytes(Video("pattern-sd-grey-bar.mp4"));
        body = await Json(await matcher.PostAsync("/v1/lookup/file", VideoForm(other, "pattern.mp4")));
        Assert.Empty(body.GetProperty("matches").EnumerateArray());
    }

    [SkippableFact]
    public async Task Truncated_or_fake_videos_are_refused_and_nothing_is_stored()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db);
        var matcher = await h.ClientAsync("matcher");
        long before = await h.ReviewCountAsync();
        var truncated = System.IO.File.ReadAllBytes(Video("chair-19-sd-bar.mp4"))[..2000];
        var fake = new byte[64 * 1024];
        new Random(7).NextBytes(fake);
        byte[] header = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'];
        header.CopyTo(fake, 0);
        Assert.True(VideoHasher.LooksLikeVideo(fake));
        Assert.True(VideoHasher.LooksLikeVideo(truncated));

        foreach (var (bytes, name) in new[] { (truncated, "cut-short.mp4"), (fake, "noise-ftyp.mp4") })
            foreach (var (route, field) in new[] { ("/v1/hash", "file"), ("/v1/lookup/file", "file"), ("/h/hash", "video"), ("/m/lookup", "video") })
            {
                var r = await matcher.PostAsync(route, VideoForm(bytes, name, field));
                Assert.True(r.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.UnsupportedMediaType, $"{route} {name}: {r.StatusCode}");
                var error = (await Json(r)).GetProperty("error").GetString();
                Assert.Contains(name, error);
                Assert.DoesNotContain("/proc/", error);
            }
        Assert.Equal(before, await h.ReviewCountAsync());
        Assert.Equal(0L, (long)(await h.State.Db.ScalarAsync("SELECT COUNT(*) FROM review_media"))!);
    }

    [SkippableFact]
    public async Task Whole_video_hit_keeps_its_first_useful_frame_and_an_exact_only_hit_stays_hash_only()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db);
        var matcher = await h.ClientAsync("matcher");
        var path = Video("chair-19-sd-bar.mp4");
        var bytes = System.IO.File.ReadAllBytes(path);

        // video_md5 alone (another video's): nothing perceptual to show a frame of, so the item stays hash-only.
        var other = System.IO.File.ReadAllBytes(Video("pattern-sd-grey-bar.mp4"));
        await AddAsync(h, "exact", "video_md5", Md5(other));
        var body = await Json(await matcher.PostAsync("/v1/lookup/file", VideoForm(other, "pattern.mp4")));
        Assert.Equal("video_md5", Assert.Single(body.GetProperty("matches").EnumerateArray()).GetProperty("signal_type").GetString());
        long exactItem = body.GetProperty("review_item_id").GetInt64();
        Assert.Equal(HttpStatusCode.Gone, (await h.Admin.GetAsync($"/v1/review/items/{exactItem}/media")).StatusCode);
        Assert.Equal(0L, (long)(await h.State.Db.ScalarAsync("SELECT COUNT(*) FROM review_media"))!);

        // The whole-video rule alone (no frame_seconds): the first sampled frame, Meta's frame 0.
        var frames = VpdqHasher.HashFile(path, VideoHasher.Options).Frames;
        Assert.True(frames[0].Quality >= 50);
        await AddAsync(h, "whole", "vpdq", SignalTypes.Vpdq.Format(frames));
        await Task.Delay(1200); // the vPDQ cache checks the change sequence at most once a second
        body = await Json(await matcher.PostAsync("/v1/lookup/file", VideoForm(bytes, "chair.mp4")));
        Assert.All(body.GetProperty("matches").EnumerateArray(), m => Assert.Equal("vpdq", m.GetProperty("signal_type").GetString()));
        long videoItem = body.GetProperty("review_item_id").GetInt64();
        var item = await Json(await h.Admin.GetAsync($"/v1/review/items/{videoItem}"));
        Assert.Contains("frame of the video at 0.000 s", item.GetProperty("media_note").GetString());
        var stored = (await h.State.Review.GetMediaAsync(videoItem))!;
        Assert.InRange(PdqOf(stored).DistanceTo(Hash256.Parse(ReferenceFrame("chair-19-sd-bar", 0).Pdq)), 0, 16);
        Assert.Equal(HttpStatusCode.OK, (await h.Admin.GetAsync($"/v1/review/items/{videoItem}/media")).StatusCode);
    }

    [SkippableFact]
    public async Task A_frame_that_cannot_be_read_gives_no_media_and_no_error()
    {
        using var pool = new HasherPool();
        var hasher = new VideoHasher(pool, 1, TimeSpan.FromSeconds(30));
        var bytes = System.IO.File.ReadAllBytes(Video("chair-19-sd-bar.mp4"));
        Assert.Null(await hasher.FrameAsPngAsync(bytes[..2000], 8, CancellationToken.None));
        Assert.Null(await hasher.FrameAsPngAsync(bytes, 500, CancellationToken.None));
        Assert.Null(await hasher.FrameAsPngAsync(bytes, double.NaN, CancellationToken.None));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Null(await hasher.FrameAsPngAsync(bytes, 8, cancelled.Token));
        Assert.NotNull(await hasher.FrameAsPngAsync(bytes, 8, CancellationToken.None)); // and the slot was given back each time
    }

    [SkippableFact]
    public async Task A_matched_video_item_holds_a_keyframe_strip_shown_only_blurred_and_dropped_with_the_media()
    {
        var db = await DbAsync();
        await using var h = await ServerHarness.StartAsync(db);
        var matcher = await h.ClientAsync("matcher");
        var (reviewer, _) = await h.KeyAsync("kf-reviewer", null, "reviewer");
        var bytes = System.IO.File.ReadAllBytes(Video("chair-19-sd-bar.mp4"));
        await AddAsync(h, "whole", "vpdq", SignalTypes.Vpdq.Format(VpdqHasher.HashFile(Video("chair-19-sd-bar.mp4"), VideoHasher.Options).Frames));
        await Task.Delay(1200); // the vPDQ cache checks the change sequence at most once a second
        var body = await Json(await matcher.PostAsync("/v1/lookup/file", VideoForm(bytes, "chair.mp4")));
        long id = body.GetProperty("review_item_id").GetInt64();
        Assert.True((await Json(await reviewer.GetAsync($"/v1/review/items/{id}"))).GetProperty("has_keyframes").GetBoolean());

        // Six cells, three to a row, black gaps between them, a picture in each, and the video's course: not six copies.
        var strip = (await h.State.Review.GetKeyframesAsync(id))!;
        using (var sheet = SkiaSharp.SKBitmap.Decode(strip))
        {
            Assert.Equal((3 * 320 + 2 * 8, 2 * 180 + 8), (sheet.Width, sheet.Height));
            for (int y = 0; y < sheet.Height; y += 5)
                Assert.Equal(SkiaSharp.SKColors.Black, sheet.GetPixel(323, y));
            var cells = Enumerable.Range(0, 6).Select(i => CellMean(sheet, (i % 3) * 328, (i / 3) * 188)).ToList();
            Assert.All(cells, m => Assert.True(m > 8, "every cell shows a frame"));
            Assert.True(cells.Max() - cells.Min() > 1 || cells.Distinct().Count() > 1);
        }

        var r = await reviewer.GetAsync($"/v1/review/items/{id}/keyframes");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.True(IsGreyscale(await r.Content.ReadAsByteArrayAsync()));
        Assert.Contains(await h.State.Audit.ListAsync(0, 1000, "media.view.keyframes"), e => e.Target == $"item:{id}");
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.GetAsync($"/v1/review/items/{id}/keyframes?blur=1")).StatusCode);

        var decided = await reviewer.PostAsJsonAsync($"/v1/review/items/{id}/decision", new { decision = "false_positive" });
        Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
        Assert.Null(await h.State.Review.GetKeyframesAsync(id));
        Assert.Equal(HttpStatusCode.Gone, (await reviewer.GetAsync($"/v1/review/items/{id}/keyframes")).StatusCode);
    }

    /// <summary>The mean brightness of one 320x180 cell.</summary>
    private static double CellMean(SkiaSharp.SKBitmap sheet, int x0, int y0)
    {
        double sum = 0; int n = 0;
        for (int y = y0; y < y0 + 180; y += 4)
            for (int x = x0; x < x0 + 320; x += 4) { var c = sheet.GetPixel(x, y); sum += (c.Red + c.Green + c.Blue) / 3.0; n++; }
        return sum / n;
    }

    private static Hash256 PdqOf(byte[] image)
    {
        using var hasher = new FileHasher();
        var result = new FileHashResult { Path = "frame.png" };
        hasher.HashBytes(image, result);
        return result.Pdq?.Hash ?? throw new InvalidOperationException(result.Error);
    }

    private static bool IsGreyscale(byte[] png)
    {
        using var bmp = SkiaSharp.SKBitmap.Decode(png);
        for (int y = 0; y < bmp.Height; y += 7)
            for (int x = 0; x < bmp.Width; x += 7)
            {
                var c = bmp.GetPixel(x, y);
                if (Math.Abs(c.Red - c.Green) > 2 || Math.Abs(c.Green - c.Blue) > 2) return false;
            }
        return true;
    }

    private static async Task AddAsync(ServerHarness h, string bank, string type, string value)
    {
        if (await h.State.Banks.GetBankAsync(bank) is null)
            Assert.Equal(HttpStatusCode.Created, (await h.Admin.PostAsJsonAsync("/v1/banks", new { name = bank })).StatusCode);
        var r = await h.Admin.PostAsJsonAsync($"/v1/banks/{bank}/entries", new { entries = new[] { new { signal_type = type, value } } });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteVideoTests : VideoContract
{
    protected override Task<string> DbAsync() => Task.FromResult(TestDb.Sqlite());
}

public sealed class PostgresVideoTests : VideoContract
{
    protected override Task<string> DbAsync() => TestDb.PostgresAsync();
}

using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Safeguard.Server.Media;
using Xunit.Abstractions;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>Large images decoded at once stay within the decode budget, and their memory is given back afterwards.</summary>
public sealed class DecodeMemoryTests(ITestOutputHelper output)
{
    private const int Side = 5000; // 25 Mpx: 100 MB of RGBA pixels per decode
    private const long MB = 1024 * 1024;

    [Fact]
    public async Task Rss_returns_near_baseline_after_a_burst_of_large_decodes()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite());
        var hasher = await h.ClientAsync("hasher");
        var png = LargePng(Side, Side);
        await WarmUpAsync(hasher);

        long baseline = Rss();
        long committedBefore = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var (responses, peak) = await BurstAsync(hasher, png, 6);
        foreach (var r in responses) await AssertHashedAsync(r);
        await Task.Delay(500);
        long after = Rss();

        output.WriteLine($"baseline {baseline / MB} MB, peak {peak / MB} MB, after {after / MB} MB, upload {png.Length / 1024} KiB");
        // Without trimming, each hasher that decoded one keeps its 100 MB pixel buffer for good.
        Assert.True(peak - baseline > 150 * MB, $"the burst never decoded in parallel (peak {peak / MB} MB, baseline {baseline / MB} MB)");
        Assert.True(after - baseline < 120 * MB, $"RSS after the burst is {after / MB} MB, baseline {baseline / MB} MB, peak {peak / MB} MB; "
            + $"managed heap committed {committedBefore / MB} -> {GC.GetGCMemoryInfo().TotalCommittedBytes / MB} MB; upload {png.Length / 1024} KiB");
        Assert.True(h.State.Hashers.IdleRetainedBytes <= HasherPool.MaxRetainedBytesIdle);
    }

    [Fact]
    public async Task Decode_budget_bounds_the_memory_of_concurrent_large_images()
    {
        // Room for one 25 Mpx image at a time: six uploaded together decode one after another.
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { MaxDecodePixels = (long)Side * Side });
        var hasher = await h.ClientAsync("hasher");
        var png = LargePng(Side, Side);
        await WarmUpAsync(hasher);

        long baseline = Rss();
        var (responses, peak) = await BurstAsync(hasher, png, 6);
        foreach (var r in responses) await AssertHashedAsync(r);
        output.WriteLine($"budgeted: baseline {baseline / MB} MB, peak {peak / MB} MB");
        // One decode's 100 MB plus the codec's working memory; six at once would be 600 MB.
        Assert.True(peak - baseline < 250 * MB, $"peak RSS {peak / MB} MB over a baseline of {baseline / MB} MB");
        Assert.Equal(0, h.State.Hashers.Budget.InUse);
    }

    [Fact]
    public async Task Image_that_finds_no_room_in_the_decode_budget_gets_503_and_others_carry_on()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { MaxDecodePixels = 10_000_000, DecodeQueueWait = TimeSpan.FromMilliseconds(300) });
        var hasher = await h.ClientAsync("hasher");
        var jpeg = await System.IO.File.ReadAllBytesAsync(Path.Combine(TestImages.Bridge, "aaa-orig.jpg"));
        using (var held = await h.State.Hashers.Budget.AcquireAsync(10_000_000, TimeSpan.Zero, CancellationToken.None))
        {
            Assert.NotNull(held);
            var r = await hasher.PostAsync("/v1/hash", new ByteArrayContent(jpeg));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            Assert.Contains("decoded", JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
            // Not an image: no pixels to wait for, so the answer (415) comes at once.
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await hasher.PostAsync("/v1/hash", new ByteArrayContent("plain text"u8.ToArray()))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await hasher.PostAsync("/v1/hash", new ByteArrayContent(jpeg))).StatusCode);
    }

    private static async Task WarmUpAsync(HttpClient client)
    {
        var jpeg = await System.IO.File.ReadAllBytesAsync(Path.Combine(TestImages.Bridge, "aaa-orig.jpg"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/hash", new ByteArrayContent(jpeg))).StatusCode);
    }

    private static async Task AssertHashedAsync(HttpResponseMessage r)
    {
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await Json(r);
        Assert.Equal(Side, body.GetProperty("width").GetInt32());
        Assert.Equal(64, body.GetProperty("pdq").GetString()!.Length);
    }

    /// <summary>Uploads the image <paramref name="count"/> times at once; returns the answers and the peak RSS seen meanwhile.</summary>
    private static async Task<(HttpResponseMessage[] Responses, long PeakRss)> BurstAsync(HttpClient client, byte[] png, int count)
    {
        // Enough pool threads that the uploads really decode at once, as on a busy server.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, count * 3), io);
        long peak = Rss();
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested) { peak = Math.Max(peak, Rss()); Thread.Sleep(2); }
            }
            catch (Exception) { /* a failed read leaves the peak as it was; the assertions then fail */ }
        }) { IsBackground = true, Name = "rss-sampler" };
        sampler.Start();
        try
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => client.PostAsync("/v1/hash", new ByteArrayContent(png))));
            return (responses, Math.Max(peak, Rss()));
        }
        finally
        {
            stop.Cancel();
            sampler.Join();
            ThreadPool.SetMinThreads(workers, io);
        }
    }

    /// <summary>This process's resident set (the in-process server's memory), bytes.</summary>
    internal static long Rss()
    {
        foreach (var line in System.IO.File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("no VmRSS in /proc/self/status");
    }

    /// <summary>A colourful RGBA PNG that compresses well (small upload, large decode).</summary>
    internal static byte[] LargePng(int width, int height)
    {
        var row = new byte[1 + 4 * width];
        for (int x = 0; x < width; x++)
        {
            row[1 + 4 * x] = (byte)x; row[2 + 4 * x] = (byte)(x / 7); row[3 + 4 * x] = (byte)(x * 3); row[4 + 4 * x] = 255;
        }
        var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                row[1 + 4 * (y % width)] ^= 0x55; // rows differ, so the image is not a flat repeat
                z.Write(row);
            }
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> u32 = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(u32, data.Length);
        s.Write(u32);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(u32, ~Crc32(Crc32(0xFFFFFFFF, typeBytes), data));
        s.Write(u32);
    }

    /// <summary>PNG's CRC-32 (polynomial 0xEDB88320), bit by bit.</summary>
    private static uint Crc32(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return crc;
    }
}

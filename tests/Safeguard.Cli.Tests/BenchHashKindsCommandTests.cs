namespace Safeguard.Cli.Tests;

/// <summary>
/// `bench make-photos --kinds` writes one folder per JPEG kind with cjpeg, and a mixed folder
/// with the large photos last; `bench hash` on it prints one row per kind. `hash` refuses a
/// lossless JPEG by name and carries on.
/// </summary>
public sealed class BenchHashKindsCommandTests : CliFixture
{
    // The 24 MP kind is the 4:2:0 one at another size; left out (--large 0) to keep the test short.
    private static readonly string[] Kinds = ["420", "422", "444", "grey", "progressive", "arithmetic", "cmyk"];

    [Fact]
    public void Makes_every_kind_and_reports_a_row_for_each()
    {
        string corpus = Path.Combine(Dir, "kinds");
        RunOk("bench", "make-photos", corpus, "--kinds", "--count", "1", "--large", "0");
        Assert.False(Directory.Exists(Path.Combine(corpus, "large")));
        foreach (var kind in Kinds)
            Assert.Single(Directory.GetFiles(Path.Combine(corpus, kind), "*.jpg"));
        var mixed = Directory.GetFiles(Path.Combine(corpus, "mixed"), "*.jpg").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Kinds.Length, mixed.Count);
        Assert.Contains("-cmyk-", Path.GetFileName(mixed[^1]), StringComparison.Ordinal); // kinds in order; large ones would follow

        // The files really are of their kind: the frame marker and component count say so.
        Assert.Equal((0xC2, 3), Frame(Directory.GetFiles(Path.Combine(corpus, "progressive"))[0]));
        Assert.Equal((0xC9, 3), Frame(Directory.GetFiles(Path.Combine(corpus, "arithmetic"))[0]));
        Assert.Equal((0xC0, 4), Frame(Directory.GetFiles(Path.Combine(corpus, "cmyk"))[0]));
        Assert.Equal((0xC0, 1), Frame(Directory.GetFiles(Path.Combine(corpus, "grey"))[0]));

        var r = RunOk("bench", "hash", corpus, "--rounds", "1");
        foreach (var kind in Kinds.Append("mixed"))
        {
            int files = kind == "mixed" ? Kinds.Length : 1;
            Assert.Matches($@"\| {kind} \(.*\) \| {files} \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+x \|", r.Out);
        }
        Assert.Contains("load average", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_refuses_a_lossless_jpeg_by_name_and_goes_on()
    {
        byte[] jpeg = File.ReadAllBytes(Path.Combine(Pdq, "bridge-mods", "aaa-orig.jpg"));
        int sof = Enumerable.Range(2, jpeg.Length - 3).First(i => jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC2);
        jpeg[sof + 1] = 0xC3;
        string lossless = Path.Combine(Dir, "lossless.jpg");
        File.WriteAllBytes(lossless, jpeg);
        string good = Path.Combine(Pdq, "bridge-mods", "aaa-orig.jpg");

        var r = Run("hash", "--signals", "pdq", lossless, good);
        Assert.Equal(1, r.Exit);
        Assert.Contains($"safeguard: {lossless}: lossless JPEG (SOF marker 0xC3, 8-bit) is not supported", r.Err, StringComparison.Ordinal);
        Assert.Contains(Reference["bridge-mods/aaa-orig.jpg"].Pdq, r.Out, StringComparison.Ordinal);
    }

    /// <summary>The SOFn marker and component count of a JPEG, read straight from its bytes.</summary>
    private static (int Marker, int Components) Frame(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        int i = 2;
        while (true)
        {
            int marker = b[i + 1], length = (b[i + 2] << 8) | b[i + 3];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC) return (marker, b[i + 9]);
            i += 2 + length;
        }
    }
}

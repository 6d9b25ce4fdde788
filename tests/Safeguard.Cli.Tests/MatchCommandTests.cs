using System.Security.Cryptography;

namespace Safeguard.Cli.Tests;

/// <summary>`safeguard match` by file and by hash, against brute force over the reference hashes.</summary>
public sealed class MatchCommandTests : CliFixture
{
    private static readonly string[] DihedralNames = ["rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"];

    private static readonly string[] BankImages = ["bridge-mods/aaa-orig.jpg", "reg-test-input/labelme-subset/q0122.jpg", "reg-test-input/pen-and-coaster.png", "misc-images/small.jpg"];

    public MatchCommandTests()
    {
        var list = Path.Combine(Dir, "ref.csv");
        File.WriteAllLines(list, ["signal_type,signal,content_id,category",
            .. BankImages.Select((p, i) => $"pdq,{Reference[p].Pdq},{Path.GetFileNameWithoutExtension(p)},{i % 3 + 1}")]);
        RunOk("bank", "create", "ref");
        RunOk("bank", "import", "ref", list);
    }

    private static string Img(string rel) => Path.Combine(Pdq, rel);

    /// <summary>(content id, distance) of the bank entries within the threshold of an image's reference hash.</summary>
    private static List<string> BruteForce(string rel, int threshold) =>
        BankImages
            .Select(b => (id: Path.GetFileNameWithoutExtension(b), d: Distance(Reference[b].Pdq, Reference[rel].Pdq)))
            .Where(x => x.d <= threshold).Select(x => $"{x.id}:{x.d}").Order().ToList();

    private static List<string> Found(string csv, string type = "pdq") =>
        Rows(csv).Where(r => r["signal_type"] == type).Select(r => $"{r["content_id"]}:{r["distance"]}").Order().ToList();

    [Fact]
    public void A_near_duplicate_matches_its_original_at_the_brute_force_distance()
    {
        var r = RunOk("match", Img("bridge-mods/blur-a-lot.jpg"), Img("bridge-mods/sharpen-a-lot.jpg"), "--bank", "ref");
        Assert.StartsWith("path,query,signal_type,bank,content_id,category,grade,distance,dihedral,frame_seconds,tmk_level1,tmk_level2\n", r.Out);
        var rows = Rows(r.Out);
        foreach (var rel in new[] { "bridge-mods/blur-a-lot.jpg", "bridge-mods/sharpen-a-lot.jpg" })
        {
            var expected = BruteForce(rel, 31);
            Assert.Contains(expected, e => e.StartsWith("aaa-orig:", StringComparison.Ordinal));
            Assert.Equal(expected, rows.Where(x => x["path"] == Img(rel)).Select(x => $"{x["content_id"]}:{x["distance"]}").Order().ToList());
        }
        Assert.All(rows, x => Assert.Equal("ref", x["bank"]));
        Assert.All(rows, x => Assert.Equal("1", x["category"]));

        // An unrelated image: brute force finds nothing and so does match.
        Assert.Empty(BruteForce("reg-test-input/labelme-subset/q0746.jpg", 31));
        var none = RunOk("match", Img("reg-test-input/labelme-subset/q0746.jpg"));
        Assert.Empty(Rows(none.Out));
    }

    [Fact]
    public void Hashes_given_as_arguments_match_like_files()
    {
        string hex = Reference["bridge-mods/sharpen-a-lot.jpg"].Pdq;
        var bare = RunOk("match", hex);
        var typed = RunOk("match", "pdq:" + hex.ToUpperInvariant(), "--format", "jsonl");
        Assert.Equal(BruteForce("bridge-mods/sharpen-a-lot.jpg", 31), Found(bare.Out));
        Assert.Contains("\"content_id\":\"aaa-orig\"", typed.Out);
        Assert.Equal(2, Run("match", "md5:xyz").Exit);
        // 64 hex digits are pdq unless prefixed: as sha256 the same value matches nothing.
        Assert.Empty(Rows(RunOk("match", "sha256:" + hex).Out));
    }

    [Fact]
    public void Threshold_and_quality_rules()
    {
        foreach (var t in new[] { 0, 10, 20 })
            Assert.Equal(BruteForce("bridge-mods/sharpen-a-lot.jpg", t), Found(RunOk("match", Img("bridge-mods/sharpen-a-lot.jpg"), "--threshold", t.ToString()).Out));
        Assert.Equal(2, Run("match", Img("bridge-mods/aaa-orig.jpg"), "--threshold", "64").Exit);
        Assert.Equal(2, Run("match", Img("bridge-mods/aaa-orig.jpg"), "--threshold", "-1").Exit);
        Assert.Equal(2, Run("match", Img("bridge-mods/aaa-orig.jpg"), "--bank", "no-such-bank").Exit);

        // small.jpg has quality 0: its own hash is in the bank but is not matched unless allowed.
        Assert.True(Reference["misc-images/small.jpg"].Quality < 50);
        var low = RunOk("match", Img("misc-images/small.jpg"));
        Assert.Empty(Found(low.Out));
        Assert.Contains("small.jpg: PDQ quality", low.Err);
        Assert.Contains("small:0", Found(RunOk("match", Img("misc-images/small.jpg"), "--min-quality", "0").Out));
        Assert.Equal(2, Run("match", Img("misc-images/small.jpg"), "--min-quality", "101").Exit);

        Assert.Equal(1, Run("match", Path.Combine(Dir, "missing.jpg")).Exit);
    }

    [Fact]
    public void Rotated_images_match_the_original_only_with_dihedral()
    {
        RunOk("bank", "create", "dih");
        RunOk("bank", "add", "dih", Reference["reg-test-input/dih/bridge-1-original.jpg"].Pdq, "--content-id", "original");
        var original = Reference["reg-test-input/dih/bridge-1-original.jpg"].Pdq;
        var rotated = Directory.GetFiles(Path.Combine(Pdq, "reg-test-input", "dih"), "*rotate*").Order().ToList();
        Assert.Equal(3, rotated.Count);
        var plain = RunOk(["match", .. rotated, "--bank", "dih"]);
        var dihedral = RunOk(["match", .. rotated, "--bank", "dih", "--dihedral"]);
        foreach (var file in rotated)
        {
            var rel = "reg-test-input/dih/" + Path.GetFileName(file);
            int direct = Distance(Reference[rel].Pdq, original);
            int best = ReferenceDihedral[rel].Min(v => Distance(v, original));
            Assert.True(direct > 31 && best <= 31, $"{rel}: {direct} / {best}");
            Assert.DoesNotContain(Rows(plain.Out), r => r["path"] == file);
            var row = Assert.Single(Rows(dihedral.Out), r => r["path"] == file);
            Assert.Equal(best.ToString(), row["distance"]);
            Assert.NotEqual("original", row["dihedral"]);
            Assert.Contains(row["dihedral"], DihedralNames);
        }
    }

    [Fact]
    public void Exact_md5_matches_by_file_and_by_hash()
    {
        var file = Img("reg-test-input/labelme-subset/q1050.jpg");
        var md5 = Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(file)));
        RunOk("bank", "create", "exact");
        RunOk("bank", "add", "exact", "md5:" + md5, "--content-id", "item-7", "--category", "2");
        var byFile = RunOk("match", file, "--bank", "exact");
        var row = Assert.Single(Rows(byFile.Out));
        Assert.Equal(("md5", "item-7", "2", "0", md5), (row["signal_type"], row["content_id"], row["category"], row["distance"], row["query"]));
        Assert.Single(Rows(RunOk("match", md5, "--bank", "exact").Out));
        Assert.Single(Rows(RunOk("match", "md5 " + md5.ToUpperInvariant(), "--bank", "exact").Out));
    }
}

using Safeguard.Banks;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Signals;
using Safeguard.Storage.Sqlite;

namespace Safeguard.Crawl.Tests.Site;

/// <summary>A bank of the site's banked images, made from Meta's reference hashes (never from this code's output).</summary>
public static class SiteBanks
{
    /// <summary>Reference PDQ (hex) of a file under testdata/pdq, from expected-reference.csv.</summary>
    public static string ReferencePdq(string relative) =>
        TestData.ReadCsv(TestData.PdqFile("expected-reference.csv")).First(r => r["path"] == relative)["pdq"];

    /// <summary>Meta's vPDQ hash of the chair video's frame at 8 s.</summary>
    public static string VideoFramePdq() =>
        File.ReadLines(TestData.VpdqFile("sample-hashes/chair-19-sd-bar.txt")).Select(l => l.Split(',')).First(f => f[3] == "8.000")[2];

    public static async Task<Matcher> CreateAsync(string dir)
    {
        await using var store = await SqliteBankStore.OpenAsync(Path.Combine(dir, "banks.db"));
        await store.CreateBankAsync("known");
        var entries = TestSite.Banked
            .Select(path => new EntryRecord(SignalTypes.Pdq, ReferencePdq(TestSite.Images[path])) { ContentId = path })
            .DistinctBy(e => e.Value)
            .Append(new EntryRecord(SignalTypes.Pdq, VideoFramePdq()) { ContentId = "chair-8s" })
            .ToList();
        await store.ImportAsync("known", entries);
        var index = await BankIndex.LoadAsync(store);
        return new Matcher(index, new MatchPolicy());
    }

    public static int Distance(string a, string b)
    {
        var x = Convert.FromHexString(a);
        var y = Convert.FromHexString(b);
        int d = 0;
        for (int i = 0; i < x.Length; i++) d += System.Numerics.BitOperations.PopCount((uint)(x[i] ^ y[i]));
        return d;
    }
}

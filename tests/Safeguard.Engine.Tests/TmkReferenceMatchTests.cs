using System.Globalization;
using Safeguard.Banks;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Files;
using Safeguard.Hashing.Tmk;
using Safeguard.Signals;
using Safeguard.Storage.Sqlite;
using Safeguard.Video.Tmk;

namespace Safeguard.Engine.Tests;

/// <summary>
/// Meta's seven reference .tmk files in a bank; each reference video, hashed by us, matches
/// exactly the banked videos Meta's pair-scores.txt puts at or above 0.7 on both levels (and itself).
/// </summary>
public sealed class TmkReferenceMatchTests
{
    /// <summary>Meta's pairs reaching both default thresholds, each both ways, plus every video with itself.</summary>
    private static HashSet<(string, string)> ExpectedPairs(IEnumerable<string> names)
    {
        var pairs = new HashSet<(string, string)>();
        foreach (var line in File.ReadLines(TestData.TmkFile("pair-scores.txt")))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 4) continue;
            float l1 = float.Parse(f[0], CultureInfo.InvariantCulture), l2 = float.Parse(f[1], CultureInfo.InvariantCulture);
            if (l1 < 0.7f || l2 < 0.7f) continue;
            string a = Path.GetFileNameWithoutExtension(f[2]), b = Path.GetFileNameWithoutExtension(f[3]);
            pairs.Add((a, b));
            pairs.Add((b, a));
        }
        foreach (var n in names) pairs.Add((n, n));
        return pairs;
    }

    [Fact]
    public async Task Each_reference_video_matches_the_banked_videos_metas_pair_scores_put_above_both_thresholds()
    {
        var dir = Directory.CreateTempSubdirectory("safeguard-tmkref-").FullName;
        try
        {
            await using var store = await SqliteBankStore.OpenAsync(Path.Combine(dir, "banks.db"));
            await store.CreateBankAsync("meta");
            var names = Directory.GetFiles(TestData.Tmk, "*.tmk").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(7, names.Count);
            await store.ImportAsync("meta", names.Select(n =>
                new EntryRecord(SignalTypes.Tmk, Convert.ToBase64String(File.ReadAllBytes(TestData.TmkFile(n + ".tmk")))) { ContentId = n }));
            var index = await BankIndex.LoadAsync(store);
            Assert.Equal(7, index.TmkCount);
            var matcher = new Matcher(index, new MatchPolicy());
            var expected = ExpectedPairs(names);
            Assert.Contains(("chair-19-sd-bar", "chair-orig-22-sd-bar"), expected);
            Assert.Contains(("pattern-sd-grey-bar", "pattern-hd-no-bar"), expected);

            var hashed = new Dictionary<string, TmkFeatures>();
            Parallel.ForEach(names, new ParallelOptions { MaxDegreeOfParallelism = 2 }, n =>
            {
                var f = TmkHasher.HashFile(TestData.VpdqFile($"videos/{n}.mp4"), new TmkOptions { DecoderThreads = 1 });
                lock (hashed) hashed[n] = f;
            });
            foreach (var n in names)
            {
                var matches = matcher.Match(new FileHashResult { Path = n, IsVideo = true, Tmk = hashed[n] }, out _);
                var found = matches.Select(m => m.Entry.ContentId!).Order(StringComparer.Ordinal).ToList();
                var want = names.Where(b => expected.Contains((n, b))).Order(StringComparer.Ordinal).ToList();
                Assert.Equal(want, found);
                Assert.All(matches, m =>
                {
                    Assert.Equal(SignalTypes.Tmk, m.Signal);
                    Assert.True(m.TmkLevel1 >= 0.7f && m.TmkLevel2 >= 0.7f, $"{n} vs {m.Entry.ContentId}: {m.TmkLevel1} {m.TmkLevel2}");
                });
                // Against its own .tmk, both scores are about 1.
                var self = Assert.Single(matches, m => m.Entry.ContentId == n);
                Assert.True(self.TmkLevel1 > 0.999f && self.TmkLevel2 > 0.999f, $"{n}: {self.TmkLevel1} {self.TmkLevel2}");
            }
            Assert.Equal(["doorknob-hd-no-bar"], matcher.Match(new FileHashResult { Path = "d", Tmk = hashed["doorknob-hd-no-bar"] }, out _)
                .Select(m => m.Entry.ContentId!).ToList());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

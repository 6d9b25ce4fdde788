using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Pdq;
using Safeguard.Signals;
using Safeguard.Storage.Sqlite;
using TestData = Safeguard.Banks.Tests.TestData;

namespace Safeguard.Engine.Tests;

/// <summary>
/// The PDQ snapshot beside a SQLite database: a valid one is loaded and caught up from the change
/// feed; a corrupt, truncated, foreign, other-version, other-banks or ahead-of-the-database one is
/// rebuilt from the store. Every index is compared with brute force over the store's entries.
/// </summary>
public sealed class BankIndexSnapshotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("safeguard-snapshot-").FullName;
    private string Db => Path.Combine(_dir, "banks.db");
    private string Snapshot => Db + ".pdq-index";

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Flip(Hash256 h, Random rng, int bits)
    {
        for (int i = 0; i < bits; i++) h = h.WithBitFlipped(rng.Next(256));
        return h.ToString();
    }

    /// <summary>Clusters of near PDQ hashes (enough for an indexed segment) and a few MD5 entries.</summary>
    private static List<EntryRecord> MakeEntries(Random rng, int centres)
    {
        var list = new List<EntryRecord>();
        for (int c = 0; c < centres; c++)
        {
            var centre = Hash256.Parse(TestData.Hex(rng, 64));
            for (int v = 0; v < 5; v++)
                list.Add(new EntryRecord(SignalTypes.Pdq, v == 0 ? centre.ToString() : Flip(centre, rng, rng.Next(1, 40))) { ContentId = $"c{c}-{v}" });
            if (c % 10 == 0) list.Add(new EntryRecord(SignalTypes.Md5, TestData.Hex(rng, 32)));
        }
        return list;
    }

    private static async Task<BankIndex> LoadAsync(IBankStore store, string? snapshot, IEnumerable<string>? banks = null) =>
        await BankIndex.LoadAsync(store, banks, new BankIndexOptions { SnapshotPath = snapshot });

    /// <summary>Every query's PDQ matches (ids, banks, content ids, distances) equal brute force over the store.</summary>
    private static async Task AssertExactAsync(BankIndex index, IBankStore store, Random rng, IReadOnlyCollection<string>? banks = null)
    {
        var pdq = new List<BankEntry>();
        foreach (var bank in banks ?? (await store.ListBanksAsync()).Select(b => b.Name).ToList())
            await foreach (var e in store.EnumerateEntriesAsync(bank, includeDisabled: false, signalType: "pdq")) pdq.Add(e);
        Assert.Equal(pdq.Count, index.PdqCount);
        var queries = pdq.Take(60).Select(e => Flip(Hash256.Parse(e.Value), rng, rng.Next(0, 36)))
            .Concat(Enumerable.Range(0, 10).Select(_ => TestData.Hex(rng, 64))).Select(q => Hash256.Parse(q)).ToList();
        var results = new List<Match>();
        foreach (var query in queries)
            foreach (int threshold in new[] { 0, 16, 31, 63 })
            {
                results.Clear();
                index.MatchPdq(query, threshold, results);
                var expected = pdq.Select(e => (e, d: Hash256.Parse(e.Value).DistanceTo(query))).Where(x => x.d <= threshold)
                    .Select(x => $"{x.e.Id}|{x.e.Bank}|{x.e.ContentId}|{x.d}").Order().ToList();
                Assert.Equal(expected, results.Select(m => $"{m.Entry.Id}|{m.Entry.Bank}|{m.Entry.ContentId}|{m.Distance}").Order().ToList());
            }
    }

    /// <summary>A bank of ~12,000 PDQ entries with a snapshot written by a first load.</summary>
    private async Task<(IBankStore Store, List<EntryRecord> Entries)> StoreWithSnapshotAsync(Random rng)
    {
        var store = await SqliteBankStore.OpenAsync(Db);
        await store.CreateBankAsync("alpha");
        await store.CreateBankAsync("beta");
        var alpha = MakeEntries(rng, 2000);
        await store.ImportAsync("alpha", alpha);
        await store.ImportAsync("beta", MakeEntries(rng, 400));
        var first = await LoadAsync(store, Snapshot);
        Assert.Equal("there is none yet", first.SnapshotRejected);
        await first.SaveSnapshotAsync(Snapshot);
        Assert.True(File.Exists(Snapshot));
        return (store, alpha);
    }

    [Fact]
    public async Task A_valid_snapshot_loads_and_catches_up_with_changes_made_while_the_service_was_down()
    {
        var rng = new Random(11);
        var (store, alpha) = await StoreWithSnapshotAsync(rng);
        await using var _ = store;
        var fromSnapshot = await LoadAsync(store, Snapshot);
        Assert.Null(fromSnapshot.SnapshotRejected);
        Assert.StartsWith("snapshot ", fromSnapshot.LoadedFrom);
        await AssertExactAsync(fromSnapshot, store, rng);

        // Adds, removals, disables, re-enables (an older id comes back) and a metadata change while down.
        await store.ImportAsync("alpha", MakeEntries(rng, 50));
        await store.RemoveEntriesAsync("alpha", alpha.Skip(100).Take(30).Select(r => (r.Type, r.Value)));
        await store.SetDisabledAsync("alpha", alpha.Skip(200).Take(20).Select(r => (r.Type, r.Value)), true, "test");
        await store.SetDisabledAsync("alpha", alpha.Skip(200).Take(5).Select(r => (r.Type, r.Value)), false, null);
        await store.ImportAsync("alpha", alpha.Take(3).Select(r => r with { ContentId = "renamed" }));
        var caughtUp = await LoadAsync(store, Snapshot);
        Assert.Null(caughtUp.SnapshotRejected);
        Assert.True(caughtUp.ChangesAppliedAtLoad > 0);
        Assert.Equal(await store.GetLastChangeSeqAsync(), caughtUp.AppliedChangeSeq);
        await AssertExactAsync(caughtUp, store, rng);

        // Writing again compacts the caught-up index; the next load from it is exact too.
        await caughtUp.SaveSnapshotAsync(Snapshot);
        await AssertExactAsync(caughtUp, store, rng);
        var again = await LoadAsync(store, Snapshot);
        Assert.Null(again.SnapshotRejected);
        Assert.Equal(0, again.ChangesAppliedAtLoad);
        await AssertExactAsync(again, store, rng);
    }

    public static TheoryData<string, string> Damages => new()
    {
        { "corrupt", "checksum" },
        { "truncated", "truncated" },
        { "empty", "not an index snapshot" },
        { "version", "format version" },
        { "garbage", "not an index snapshot" },
        { "padded", "padded" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task A_damaged_snapshot_is_rebuilt_from_the_store(string damage, string reason)
    {
        var rng = new Random(damage.Length);
        var (store, _) = await StoreWithSnapshotAsync(rng);
        await using var _s = store;
        var bytes = await File.ReadAllBytesAsync(Snapshot);
        switch (damage)
        {
            case "corrupt": bytes[bytes.Length / 2] ^= 0x10; break;
            case "truncated": bytes = bytes[..(bytes.Length - 1000)]; break;
            case "empty": bytes = []; break;
            case "version": bytes[4] = 99; break;
            case "garbage": rng.NextBytes(bytes); break;
            case "padded": bytes = [.. bytes, .. new byte[1 << 16]]; break;
        }
        await File.WriteAllBytesAsync(Snapshot, bytes);
        var index = await LoadAsync(store, Snapshot);
        Assert.Contains(reason, index.SnapshotRejected);
        Assert.StartsWith("the database", index.LoadedFrom);
        await AssertExactAsync(index, store, rng);
    }

    [Fact]
    public async Task A_snapshot_of_another_database_or_other_banks_is_not_used()
    {
        var rng = new Random(5);
        var (store, _) = await StoreWithSnapshotAsync(rng);
        await using var _s = store;
        // Another database with the same banks and entries: same contents, other identity.
        string otherDb = Path.Combine(_dir, "other.db");
        await using (var other = await SqliteBankStore.OpenAsync(otherDb))
        {
            await other.CreateBankAsync("alpha");
            var foreign = await LoadAsync(other, Snapshot);
            Assert.Equal("made from another database", foreign.SnapshotRejected);
            Assert.Equal(0, foreign.PdqCount);
        }
        var onlyBeta = await LoadAsync(store, Snapshot, ["beta"]);
        Assert.Equal("made for other banks", onlyBeta.SnapshotRejected);
        await AssertExactAsync(onlyBeta, store, rng, ["beta"]);
    }

    [Fact]
    public async Task A_snapshot_ahead_of_a_restored_database_is_rebuilt()
    {
        var rng = new Random(9);
        var (store, alpha) = await StoreWithSnapshotAsync(rng);
        await store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        string backup = Path.Combine(_dir, "backup.db");
        File.Copy(Db, backup);
        await using (var later = await SqliteBankStore.OpenAsync(Db))
        {
            await later.RemoveEntriesAsync("alpha", alpha.Take(40).Select(r => (r.Type, r.Value)));
            var index = await LoadAsync(later, Snapshot);
            await index.SaveSnapshotAsync(Snapshot);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Copy(backup, Db, overwrite: true);
        foreach (var side in new[] { "-wal", "-shm" }) File.Delete(Db + side);
        await using var restored = await SqliteBankStore.OpenAsync(Db);
        var rebuilt = await LoadAsync(restored, Snapshot);
        Assert.Contains("past the database's last change", rebuilt.SnapshotRejected);
        await AssertExactAsync(rebuilt, restored, rng);
    }
}

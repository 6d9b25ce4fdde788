using Safeguard.Banks.Formats;
using Safeguard.Banks.Storage;
using Safeguard.Signals;
using Safeguard.Storage.Banks;

namespace Safeguard.Banks.Tests;

/// <summary>
/// The behaviour every store must have. Run once against SQLite and once against PostgreSQL.
/// </summary>
public abstract partial class BankStoreContract : IAsyncLifetime
{
    protected IBankStore Store = null!;

    /// <summary>A fresh, empty store; skips the test when its database is not available here (see Postgres).</summary>
    protected abstract Task<IBankStore> CreateStoreAsync();
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    private bool _available;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        _available = true;
    }

    public async Task DisposeAsync()
    {
        if (_available) await Store.DisposeAsync();
        await CleanupAsync();
    }

    private static IEnumerable<(SignalType, string)> Keys(params EntryRecord[] records) => records.Select(r => (r.Type, r.Value));

    private async Task<List<BankEntry>> AllAsync(string bank, bool includeDisabled = true, int pageSize = 5000)
    {
        var list = new List<BankEntry>();
        await foreach (var e in Store.EnumerateEntriesAsync(bank, includeDisabled, pageSize)) list.Add(e);
        return list;
    }

    [SkippableFact]
    public async Task Banks_are_created_listed_and_deleted()
    {
        Assert.Equal(BankSchema.Latest, await Store.GetSchemaVersionAsync());
        var created = await Store.CreateBankAsync("caid-2025", "national list", verified: true);
        await Store.CreateBankAsync("ngo.b");
        Assert.True(created.Verified);
        Assert.Equal("national list", created.Description);
        Assert.Equal(["caid-2025", "ngo.b"], (await Store.ListBanksAsync()).Select(b => b.Name));
        await Assert.ThrowsAsync<BankException>(() => Store.CreateBankAsync("caid-2025"));
        await Assert.ThrowsAsync<BankException>(() => Store.CreateBankAsync("bad name!"));
        await Assert.ThrowsAsync<BankException>(() => Store.CreateBankAsync(""));
        Assert.True(await Store.DeleteBankAsync("ngo.b"));
        Assert.False(await Store.DeleteBankAsync("ngo.b"));
        Assert.Null(await Store.GetBankAsync("ngo.b"));
        await Assert.ThrowsAsync<BankException>(() => Store.ImportAsync("ngo.b", TestData.Many(3)));
    }

    [SkippableFact]
    public async Task Import_stores_everything_and_a_second_import_adds_nothing()
    {
        await Store.CreateBankAsync("b");
        var records = TestData.Many(2000);
        var first = await Store.ImportAsync("b", records, new ImportOptions { Source = new ImportSource("list-a", "a.csv") });
        Assert.Equal((2000L, 2000L, 0L, 0L), (first.Read, first.Added, first.Updated, first.Unchanged));
        var stored = await AllAsync("b", pageSize: 333);
        Assert.Equal(records.Select(TestData.Describe), stored.Select(e => TestData.Describe(e.ToRecord())));
        Assert.All(stored, e => Assert.Equal(("list-a", "a.csv"), (e.SourceName, e.SourceFile)));

        long seq = await Store.GetLastChangeSeqAsync();
        var second = await Store.ImportAsync("b", records);
        Assert.Equal((0L, 0L, 2000L), (second.Added, second.Updated, second.Unchanged));
        Assert.Equal(seq, await Store.GetLastChangeSeqAsync());
        Assert.Equal(2000, (await AllAsync("b")).Count);
    }

    [SkippableFact]
    public async Task Duplicates_within_one_input_count_once_and_the_first_wins()
    {
        await Store.CreateBankAsync("b");
        var a = new EntryRecord(SignalTypes.Md5, new string('a', 32)) { ContentId = "first" };
        var result = await Store.ImportAsync("b", [a, a with { ContentId = "second" }, a]);
        Assert.Equal((3L, 1L, 0L), (result.Read, result.Added, result.Unchanged));
        Assert.Equal("first", Assert.Single(await AllAsync("b")).ContentId);
    }

    [SkippableFact]
    public async Task Later_metadata_updates_entries_and_missing_metadata_keeps_what_is_stored()
    {
        await Store.CreateBankAsync("b");
        var bare = TestData.Many(10).Select(r => new EntryRecord(r.Type, r.Value)).ToList();
        await Store.ImportAsync("b", bare);
        var rich = bare.Select((r, i) => r with { Category = 1, ContentId = "id" + i, Tags = ["x"] }).ToList();
        var update = await Store.ImportAsync("b", rich.Take(4));
        Assert.Equal((0L, 4L, 0L), (update.Added, update.Updated, update.Unchanged));
        var again = await Store.ImportAsync("b", bare);
        Assert.Equal((0L, 0L, 10L), (again.Added, again.Updated, again.Unchanged));
        var stored = await AllAsync("b");
        Assert.Equal(rich.Take(4).Select(TestData.Describe), stored.Take(4).Select(e => TestData.Describe(e.ToRecord())));
        Assert.All(stored.Skip(4), e => Assert.Null(e.Category));
    }

    [SkippableFact]
    public async Task Replace_disables_what_left_the_list_and_reenables_what_came_back()
    {
        await Store.CreateBankAsync("b");
        var all = TestData.Many(10);
        await Store.ImportAsync("b", all);
        await Store.SetDisabledAsync("b", Keys(all[9]), true, "false positive reported");

        // New state: entries 0..5 plus two new ones; 6, 7, 8 left the list (9 was already disabled by hand).
        var extra = TestData.Many(12, seed: 99).Skip(10).ToList();
        var next = all.Take(6).Concat(extra).ToList();
        var replaced = await Store.ImportAsync("b", next, new ImportOptions { Replace = true });
        Assert.Equal((2L, 6L, 3L, 0L), (replaced.Added, replaced.Unchanged, replaced.Disabled, replaced.Reenabled));

        var enabled = (await AllAsync("b", includeDisabled: false)).Select(e => e.SignalType + ":" + e.Value).ToHashSet();
        Assert.Equal(next.Select(TestData.Key).ToHashSet(), enabled);
        var disabled = (await AllAsync("b")).Where(e => e.Disabled).ToList();
        Assert.Equal(4, disabled.Count);
        Assert.Equal("false positive reported", disabled.Single(e => e.Value == all[9].Value).DisabledReason);

        // Entry 7 returns; entry 9 returns too but stays disabled: a person disabled it.
        var back = next.Append(all[7]).Append(all[9]).ToList();
        var again = await Store.ImportAsync("b", back, new ImportOptions { Replace = true });
        Assert.Equal((0L, 1L, 0L, 1L), (again.Added, again.Reenabled, again.Disabled, again.KeptDisabled));
        var final = await AllAsync("b");
        Assert.False(final.Single(e => e.Value == all[7].Value).Disabled);
        Assert.True(final.Single(e => e.Value == all[9].Value).Disabled);
        Assert.True(final.Single(e => e.Value == all[8].Value).Disabled);
    }

    [SkippableFact]
    public async Task A_failing_input_changes_nothing()
    {
        await Store.CreateBankAsync("b");
        var records = TestData.Many(100);
        await Store.ImportAsync("b", records.Take(50));
        long seq = await Store.GetLastChangeSeqAsync();
        await Assert.ThrowsAsync<BankFormatException>(() => Store.ImportAsync("b", TestData.FailingAfter(records, 80), new ImportOptions { Replace = true }));
        Assert.Equal(seq, await Store.GetLastChangeSeqAsync());
        var stored = await AllAsync("b");
        Assert.Equal(records.Take(50).Select(TestData.Key), stored.Select(e => e.SignalType + ":" + e.Value));
        Assert.All(stored, e => Assert.False(e.Disabled));
        // The store still works after the rollback.
        Assert.Equal(50L, (await Store.ImportAsync("b", records)).Added);
    }

    [SkippableFact]
    public async Task A_truncated_vics_file_imports_nothing()
    {
        await Store.CreateBankAsync("b");
        await using var file = File.OpenRead(TestData.FixturePath("vics-truncated.json"));
        var records = BankFormats.Read(BankFormat.Vics, file, new ReadOptions { SourceName = "vics-truncated.json" });
        var ex = await Assert.ThrowsAsync<BankFormatException>(() => Store.ImportAsync("b", records));
        Assert.Contains("vics-truncated.json", ex.Message);
        Assert.Empty(await AllAsync("b"));
        Assert.Equal(0, await Store.GetLastChangeSeqAsync());
    }

    [SkippableFact]
    public async Task Disable_enable_remove_and_find()
    {
        await Store.CreateBankAsync("b");
        await Store.CreateBankAsync("c");
        var r = TestData.Many(4);
        await Store.ImportAsync("b", r);
        await Store.ImportAsync("c", r.Take(1));
        Assert.Equal(2, (await Store.FindAsync(r[0].Type, r[0].Value.ToUpperInvariant())).Count);
        Assert.Single(await Store.FindAsync(r[0].Type, r[0].Value, "c"));

        await Assert.ThrowsAsync<BankException>(() => Store.SetDisabledAsync("b", Keys(r[1]), true, " "));
        Assert.Equal(1, await Store.SetDisabledAsync("b", Keys(r[1]), true, "reviewed: not abuse"));
        Assert.Equal(0, await Store.SetDisabledAsync("b", Keys(r[1]), true, "reviewed: not abuse"));
        var found = Assert.Single(await Store.FindAsync(r[1].Type, r[1].Value));
        Assert.True(found.Disabled);
        Assert.Equal("reviewed: not abuse", found.DisabledReason);
        Assert.Equal(3, (await AllAsync("b", includeDisabled: false)).Count);
        Assert.Equal(1, await Store.SetDisabledAsync("b", Keys(r[1]), false, null));
        Assert.False(Assert.Single(await Store.FindAsync(r[1].Type, r[1].Value)).Disabled);

        Assert.Equal(1, await Store.RemoveEntriesAsync("b", Keys(r[2], TestData.Random(new Random(5), SignalTypes.Md5))));
        Assert.Empty(await Store.FindAsync(r[2].Type, r[2].Value));
        Assert.Equal(3, (await AllAsync("b")).Count);
        await Assert.ThrowsAsync<BankException>(() => Store.RemoveEntriesAsync("b", [(SignalTypes.Md5, "xyz")]));
    }

    /// <summary>A vPDQ value of the given number of frames, near the longest a bank accepts.</summary>
    private static string LongVpdq(Random rng, int frames) =>
        string.Join(";", Enumerable.Range(0, frames).Select(i => $"{TestData.Hex(rng, 64)},{rng.Next(50, 101)},{i:0.000}"));

    [SkippableFact]
    public async Task Long_video_values_are_stored_found_and_told_apart()
    {
        await Store.CreateBankAsync("videos");
        var rng = new Random(11);
        string a = LongVpdq(rng, 700);
        Assert.True(a.Length > 50_000, $"only {a.Length} characters");
        // b differs from a in its last frame only: a prefix or a truncated key would confuse them.
        string b = a[..a.LastIndexOf(';')] + ";" + TestData.Hex(rng, 64) + ",100,699.000";
        string c = LongVpdq(rng, 150);
        var records = new[] { a, b, c }.Select(v => new EntryRecord(SignalTypes.Vpdq, v) { ContentId = "v" + v.Length % 97 }).ToList();

        var first = await Store.ImportAsync("videos", records.Append(records[0]));
        Assert.Equal(3, first.Added);
        Assert.Equal(0, (await Store.ImportAsync("videos", records)).Added);
        Assert.Equal(new[] { a, b, c }.Order(), (await AllAsync("videos")).Select(e => e.Value).Order());
        Assert.Equal(b, Assert.Single(await Store.FindAsync(SignalTypes.Vpdq, b)).Value);

        Assert.Equal(1, await Store.SetDisabledAsync("videos", [(SignalTypes.Vpdq, a)], true, "duplicate upload"));
        Assert.True(Assert.Single(await Store.FindAsync(SignalTypes.Vpdq, a)).Disabled);
        Assert.False(Assert.Single(await Store.FindAsync(SignalTypes.Vpdq, b)).Disabled);

        var replaced = await Store.ImportAsync("videos", records.Skip(1).Take(1), new ImportOptions { Replace = true });
        Assert.Equal(1, replaced.Disabled); // c left the list; a was already disabled by hand
        Assert.Equal(1, await Store.RemoveEntriesAsync("videos", [(SignalTypes.Vpdq, c)]));
        Assert.Empty(await Store.FindAsync(SignalTypes.Vpdq, c));
        var removal = Assert.Single(await Store.GetChangesAsync(0), x => x.Removed);
        Assert.Equal(c, removal.Value);
    }

    [SkippableFact]
    public async Task Entries_can_be_listed_by_signal_type()
    {
        await Store.CreateBankAsync("mixed");
        var records = TestData.Many(21).Concat([new EntryRecord(SignalTypes.Vpdq, LongVpdq(new Random(4), 3))]).ToList();
        await Store.ImportAsync("mixed", records);
        await Store.SetDisabledAsync("mixed", Keys(records[1]), true, "x"); // an md5 entry
        foreach (var type in new[] { "pdq", "md5", "vpdq" })
        {
            var listed = new List<string>();
            await foreach (var e in Store.EnumerateEntriesAsync("mixed", includeDisabled: false, pageSize: 2, signalType: type)) listed.Add(e.Value);
            var expected = records.Where((r, i) => r.Type.Name == type && i != 1).Select(r => r.Value.ToLowerInvariant()).ToList();
            Assert.Equal(expected, listed);
        }
    }

    [SkippableFact]
    public async Task Stats_count_by_type_disabled_and_source()
    {
        await Store.CreateBankAsync("b", "d");
        var r = TestData.Many(8);
        await Store.ImportAsync("b", r.Take(6), new ImportOptions { Source = new ImportSource("first", null) });
        await Store.ImportAsync("b", r.Skip(6), new ImportOptions { Source = new ImportSource("second", "s.txt") });
        await Store.SetDisabledAsync("b", Keys(r[0]), true, "x");
        var stats = await Store.GetStatsAsync("b");
        var expected = r.Skip(1).GroupBy(x => x.Type.Name).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(k => k.Key), stats.EnabledByType.OrderBy(k => k.Key));
        Assert.Equal(1, stats.Disabled);
        Assert.Equal(7, stats.Enabled);
        Assert.Equal([("first", 6L), ("second", 2L)], stats.Sources.Select(s => (s.Name!, s.Entries)));
    }

    [SkippableFact]
    public async Task The_change_feed_reports_every_write_once_in_order()
    {
        await Store.CreateBankAsync("b");
        await Store.CreateBankAsync("gone");
        var r = TestData.Many(30);
        await Store.ImportAsync("b", r.Take(20));
        long afterFirst = await Store.GetLastChangeSeqAsync();
        Assert.True(afterFirst > 0);
        await Store.ImportAsync("gone", r.Skip(20));
        await Store.SetDisabledAsync("b", Keys(r[0]), true, "why");
        await Store.RemoveEntriesAsync("b", Keys(r[1]));
        await Store.DeleteBankAsync("gone");

        // Poll in small pages, as a remote index would.
        var seen = new List<EntryChange>();
        long seq = 0, afterId = 0;
        while (true)
        {
            var page = await Store.GetChangesAsync(seq, afterId, limit: 7);
            if (page.Count == 0) break;
            seen.AddRange(page);
            (seq, afterId) = (page[^1].ChangeSeq, page[^1].EntryId);
        }
        Assert.Equal(seen.OrderBy(c => c.ChangeSeq).ThenBy(c => c.EntryId), seen);
        Assert.Equal(seen.Count, seen.Select(c => (c.ChangeSeq, c.EntryId)).Distinct().Count());

        // Final state per entry: the last change wins.
        var last = seen.GroupBy(c => c.EntryId).Select(g => g.Last()).ToList();
        var live = last.Where(c => !c.Removed).ToList();
        Assert.Equal(r.Take(20).Skip(2).Select(TestData.Key).Append(TestData.Key(r[0])).Order(),
            live.Select(c => c.SignalType + ":" + c.Value).Order());
        Assert.True(live.Single(c => c.Value == r[0].Value).Disabled);
        Assert.Contains(last, c => c.Removed && c.Value == r[1].Value && c.Bank == "b");
        Assert.Equal(10, last.Count(c => c.Removed && c.Bank == "gone"));

        var since = await Store.GetChangesAsync(afterFirst);
        Assert.DoesNotContain(since, c => c.ChangeSeq <= afterFirst);
        Assert.Equal(seen.Count(c => c.ChangeSeq > afterFirst), since.Count);
        Assert.Empty(await Store.GetChangesAsync(await Store.GetLastChangeSeqAsync()));
    }

    [SkippableFact]
    public async Task Every_format_round_trips_through_the_store()
    {
        await Store.CreateBankAsync("src");
        var records = TestData.Many(500);
        await Store.ImportAsync("src", records);
        foreach (var format in new[] { BankFormat.Plain, BankFormat.Csv, BankFormat.Vics })
        {
            var bank = "dst-" + format.ToString().ToLowerInvariant();
            await Store.CreateBankAsync(bank);
            var buffer = new MemoryStream();
            var exported = await AllAsync("src", includeDisabled: false);
            BankFormats.Write(format, buffer, exported.Select(e => e.ToRecord()));
            buffer.Position = 0;
            var problems = new List<InputProblem>();
            var result = await Store.ImportAsync(bank, BankFormats.Read(format, buffer, new ReadOptions { OnProblem = problems.Add }));
            Assert.Empty(problems);
            Assert.Equal(500L, result.Added);
            var copy = await AllAsync(bank);
            if (format == BankFormat.Plain)
                Assert.Equal(records.Select(TestData.Key), copy.Select(e => e.SignalType + ":" + e.Value));
            else
                Assert.Equal(records.Select(TestData.Describe).Order(), copy.Select(e => TestData.Describe(e.ToRecord())).Order());
        }
    }
}

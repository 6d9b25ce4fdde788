using Safeguard.Signals;

namespace Safeguard.Banks.Tests;

/// <summary>
/// HMA's bank content fields (note, metadata, original media URI, disable-until), the bank's
/// matching ratio and new-entry wait: round trips through every read path, import merge rules,
/// edits by id, and hostile values refused with a message naming the field.
/// </summary>
public abstract partial class BankStoreContract
{
    private static DateTimeOffset Ms(DateTimeOffset t) => DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    private static void AssertFields(EntryRecord expected, BankEntry actual)
    {
        Assert.Equal(expected.Note, actual.Note);
        Assert.Equal((expected.Metadata ?? BankEntry.EmptyMetadata).OrderBy(p => p.Key), actual.Metadata.OrderBy(p => p.Key));
        Assert.Equal(expected.OriginalMediaUri, actual.OriginalMediaUri);
        Assert.Equal(expected.DisableUntil, actual.DisableUntil);
    }

    [SkippableFact]
    public async Task Entry_fields_round_trip_through_every_read_path()
    {
        await Store.CreateBankAsync("f");
        var until = Ms(DateTimeOffset.UtcNow.AddDays(3));
        var full = new EntryRecord(SignalTypes.Md5, "0123456789abcdef0123456789abcdef")
        {
            Note = "from a partner, ünïcode ok", Metadata = new Dictionary<string, string> { ["case"] = "A-17", ["source.id"] = "x y" },
            OriginalMediaUri = "s3://bucket/path/file.jpg", DisableUntil = until,
        };
        var bare = new EntryRecord(SignalTypes.Md5, "fedcba9876543210fedcba9876543210");
        long since = await Store.GetLastChangeSeqAsync();
        await Store.ImportAsync("f", [full, bare]);

        var listed = await AllAsync("f");
        AssertFields(full, listed[0]);
        AssertFields(bare, listed[1]);
        AssertFields(full, (await Store.GetEntryAsync("f", listed[0].Id))!);
        AssertFields(full, (await Store.FindAsync(SignalTypes.Md5, full.Value)).Single());
        var changes = await Store.GetChangesAsync(since);
        AssertFields(full, changes.Single(c => c.EntryId == listed[0].Id).Entry!);
        AssertFields(bare, changes.Single(c => c.EntryId == listed[1].Id).Entry!);
        Assert.Null(await Store.GetEntryAsync("f", listed[1].Id + 1000));
    }

    [SkippableFact]
    public async Task An_import_merges_fields_like_the_other_metadata()
    {
        await Store.CreateBankAsync("m");
        var first = new EntryRecord(SignalTypes.Md5, "0123456789abcdef0123456789abcdef")
        {
            Note = "n1", Metadata = new Dictionary<string, string> { ["k"] = "v" }, OriginalMediaUri = "https://example.org/a.jpg",
        };
        await Store.ImportAsync("m", [first]);
        var before = (await AllAsync("m")).Single();

        // Fields left null keep what is stored: nothing changes, no new change sequence.
        var same = await Store.ImportAsync("m", [new EntryRecord(SignalTypes.Md5, first.Value)]);
        Assert.Equal((0L, 1L), (same.Updated, same.Unchanged));
        Assert.Equal(before.ChangeSeq, (await AllAsync("m")).Single().ChangeSeq);

        // Each changed field is an update that moves the entry to a new change sequence.
        var until = Ms(DateTimeOffset.UtcNow.AddHours(5));
        var changes = new EntryRecord[]
        {
            new(SignalTypes.Md5, first.Value) { Note = "n2" },
            new(SignalTypes.Md5, first.Value) { Metadata = new Dictionary<string, string> { ["k"] = "w" } },
            new(SignalTypes.Md5, first.Value) { OriginalMediaUri = "file:///srv/a.jpg" },
            new(SignalTypes.Md5, first.Value) { DisableUntil = until },
        };
        long seq = before.ChangeSeq;
        foreach (var change in changes)
        {
            var result = await Store.ImportAsync("m", [change]);
            Assert.Equal(1, result.Updated);
            var now = (await AllAsync("m")).Single();
            Assert.True(now.ChangeSeq > seq);
            seq = now.ChangeSeq;
        }
        AssertFields(new EntryRecord(SignalTypes.Md5, first.Value)
        {
            Note = "n2", Metadata = new Dictionary<string, string> { ["k"] = "w" }, OriginalMediaUri = "file:///srv/a.jpg", DisableUntil = until,
        }, (await AllAsync("m")).Single());
    }

    [SkippableFact]
    public async Task An_entry_is_edited_and_deleted_by_id()
    {
        await Store.CreateBankAsync("e");
        await Store.CreateBankAsync("other");
        await Store.ImportAsync("e", [new EntryRecord(SignalTypes.Md5, "0123456789abcdef0123456789abcdef") { Note = "keep" }]);
        var entry = (await AllAsync("e")).Single();
        var until = Ms(DateTimeOffset.UtcNow.AddDays(1));

        var edited = await Store.UpdateEntryAsync("e", entry.Id, new EntryUpdate
        {
            Metadata = new Dictionary<string, string> { ["a"] = "1" }, OriginalMediaUri = "http://example.org/x", DisableUntil = until,
        });
        Assert.NotNull(edited);
        Assert.Equal("keep", edited.Note); // not named: kept
        Assert.Equal("1", edited.Metadata["a"]);
        Assert.Equal(until, edited.DisableUntil);
        Assert.True(edited.ChangeSeq > entry.ChangeSeq);
        Assert.Equal(edited.ChangeSeq, await Store.GetLastChangeSeqAsync());

        var cleared = await Store.UpdateEntryAsync("e", entry.Id, new EntryUpdate
        {
            ClearNote = true, ClearDisableUntil = true, ClearOriginalMediaUri = true, Metadata = new Dictionary<string, string>(),
        });
        AssertFields(new EntryRecord(SignalTypes.Md5, entry.Value), cleared!);

        // The same id through another bank is not there.
        Assert.Null(await Store.UpdateEntryAsync("other", entry.Id, new EntryUpdate { Note = "x" }));
        Assert.False(await Store.DeleteEntryAsync("other", entry.Id));
        await Assert.ThrowsAsync<BankException>(() => Store.GetEntryAsync("missing", entry.Id));

        long since = await Store.GetLastChangeSeqAsync();
        Assert.True(await Store.DeleteEntryAsync("e", entry.Id));
        Assert.False(await Store.DeleteEntryAsync("e", entry.Id));
        Assert.Empty(await AllAsync("e"));
        var removal = Assert.Single(await Store.GetChangesAsync(since));
        Assert.True(removal.Removed);
        Assert.Equal(entry.Id, removal.EntryId);
    }

    public static TheoryData<string, string> HostileEntries() => new()
    {
        { "note", "note" },
        { "metadata-count", "metadata" },
        { "metadata-key", "metadata key" },
        { "metadata-value", "metadata 'k'" },
        { "uri-relative", "original media URI" },
        { "uri-javascript", "original media URI" },
        { "uri-long", "original media URI" },
        { "until-far", "disable-until" },
    };

    private static EntryRecord Hostile(string kind, string value)
    {
        var r = new EntryRecord(SignalTypes.Md5, value);
        return kind switch
        {
            "note" => r with { Note = new string('n', EntryFields.MaxTextLength + 1) },
            "metadata-count" => r with { Metadata = Enumerable.Range(0, 65).ToDictionary(i => $"k{i}", i => "v") },
            "metadata-key" => r with { Metadata = new Dictionary<string, string> { ["bad key;drop"] = "v" } },
            "metadata-value" => r with { Metadata = new Dictionary<string, string> { ["k"] = new string('v', EntryFields.MaxTextLength + 1) } },
            "uri-relative" => r with { OriginalMediaUri = "images/a.jpg" },
            "uri-javascript" => r with { OriginalMediaUri = "javascript:alert(1)" },
            "uri-long" => r with { OriginalMediaUri = "https://example.org/" + new string('a', EntryFields.MaxTextLength) },
            "until-far" => r with { DisableUntil = DateTimeOffset.UtcNow.AddDays(365 * 5 + 2) },
            _ => throw new ArgumentException(kind),
        };
    }

    [SkippableTheory]
    [MemberData(nameof(HostileEntries))]
    public async Task Hostile_field_values_are_refused_naming_the_field_and_nothing_is_stored(string kind, string named)
    {
        await Store.CreateBankAsync("h");
        await Store.ImportAsync("h", [new EntryRecord(SignalTypes.Md5, "0123456789abcdef0123456789abcdef") { Note = "stored" }]);
        var stored = (await AllAsync("h")).Single();
        long seq = await Store.GetLastChangeSeqAsync();

        // In an import the bad record aborts the whole import, even after good records.
        var good = new EntryRecord(SignalTypes.Md5, "11111111111111111111111111111111");
        var ex = await Assert.ThrowsAsync<BankException>(() => Store.ImportAsync("h", [good, Hostile(kind, "22222222222222222222222222222222")]));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Single(await AllAsync("h"));
        Assert.Equal(seq, await Store.GetLastChangeSeqAsync());

        // In an edit by id.
        var bad = Hostile(kind, stored.Value);
        var update = new EntryUpdate { Note = bad.Note, Metadata = bad.Metadata, OriginalMediaUri = bad.OriginalMediaUri, DisableUntil = bad.DisableUntil };
        ex = await Assert.ThrowsAsync<BankException>(() => Store.UpdateEntryAsync("h", stored.Id, update));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Equal("stored", (await Store.GetEntryAsync("h", stored.Id))!.Note);
    }

    [SkippableFact]
    public async Task A_bank_update_checks_and_stores_its_ratio_wait_and_name()
    {
        var created = await Store.CreateBankAsync("r", "first");
        Assert.Equal(1.0, created.MatchingEnabledRatio);
        Assert.Equal(0, created.NewEntryQuarantineHours);

        var updated = await Store.UpdateBankAsync("r", new BankUpdate { MatchingEnabledRatio = 0.3, NewEntryQuarantineHours = 6 });
        Assert.Equal(0.3, updated.MatchingEnabledRatio);
        Assert.Equal(6, updated.NewEntryQuarantineHours);
        Assert.Equal("first", updated.Description);
        Assert.Equal(0.3, (await Store.ListBanksAsync()).Single().MatchingEnabledRatio);

        foreach (var ratio in new[] { double.NaN, -0.01, 1.01, double.PositiveInfinity })
        {
            var ex = await Assert.ThrowsAsync<BankException>(() => Store.UpdateBankAsync("r", new BankUpdate { MatchingEnabledRatio = ratio }));
            Assert.Contains("ratio", ex.Message, StringComparison.Ordinal);
        }
        await Assert.ThrowsAsync<BankException>(() => Store.UpdateBankAsync("r", new BankUpdate { NewEntryQuarantineHours = -1 }));
        await Assert.ThrowsAsync<BankException>(() => Store.UpdateBankAsync("r", new BankUpdate { Rename = "bad name!" }));
        await Assert.ThrowsAsync<BankException>(() => Store.UpdateBankAsync("missing", new BankUpdate { MatchingEnabledRatio = 1 }));
        Assert.Equal(0.3, (await Store.GetBankAsync("r"))!.MatchingEnabledRatio);

        // A new entry waits the bank's hours from when it was added, unless its input sets its own time.
        var own = Ms(DateTimeOffset.UtcNow.AddMinutes(10));
        await Store.ImportAsync("r", [new EntryRecord(SignalTypes.Md5, "0123456789abcdef0123456789abcdef"),
                                      new EntryRecord(SignalTypes.Md5, "fedcba9876543210fedcba9876543210") { DisableUntil = own }]);
        var entries = await AllAsync("r");
        Assert.Equal(entries[0].AddedAt.AddHours(6), entries[0].DisableUntil);
        Assert.Equal(own, entries[1].DisableUntil);

        // Renamed: the entries come through the change feed under the new name.
        long since = await Store.GetLastChangeSeqAsync();
        await Store.CreateBankAsync("taken");
        await Assert.ThrowsAsync<BankException>(() => Store.UpdateBankAsync("r", new BankUpdate { Rename = "taken" }));
        var renamed = await Store.UpdateBankAsync("r", new BankUpdate { Rename = "r2" });
        Assert.Equal("r2", renamed.Name);
        Assert.Null(await Store.GetBankAsync("r"));
        Assert.All((await Store.GetChangesAsync(since)).Where(c => c.Entry is not null), c => Assert.Equal("r2", c.Bank));
        Assert.Equal(2, (await Store.GetChangesAsync(since)).Count(c => c.Bank == "r2"));
    }
}

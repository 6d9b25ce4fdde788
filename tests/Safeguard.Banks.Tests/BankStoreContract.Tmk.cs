using System.Buffers.Binary;
using Safeguard.Banks.Storage;
using Safeguard.Signals;

namespace Safeguard.Banks.Tests;

/// <summary>tmk entries (351 KB values, far past any index row) in each store.</summary>
public abstract partial class BankStoreContract
{
    [SkippableFact]
    public async Task Tmk_entries_are_stored_found_and_read_back_intact()
    {
        await Store.CreateBankAsync("tmk");
        var names = TmkSamples.Names.ToList();
        var values = names.Select(TmkSamples.Base64).ToList();
        // Differs from the first file in one float near the end only: a truncated key would confuse them.
        var lastFloatChanged = TmkSamples.Edited(names[0], b => BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(b.Length - 4), 0.25f));
        values.Add(Convert.ToBase64String(lastFloatChanged));
        values.Add(Convert.ToBase64String(TmkSamples.Level1OnlyFile(TmkSamples.PureAverage(names[1]))));
        var records = values.Select((v, i) => new EntryRecord(SignalTypes.Tmk, v) { ContentId = "video-" + i, Category = 1, Tags = ["tmk"] }).ToList();

        var first = await Store.ImportAsync("tmk", records.Append(records[0]));
        Assert.Equal((10L, 9L), (first.Read, first.Added));
        Assert.Equal(0, (await Store.ImportAsync("tmk", records)).Added);

        var stored = await AllAsync("tmk", pageSize: 4);
        Assert.Equal(records.Select(TestData.Describe), stored.Select(e => TestData.Describe(e.ToRecord())));
        for (int i = 0; i < names.Count; i++)
            Assert.Equal(TmkSamples.Bytes(names[i]), Convert.FromBase64String(stored[i].Value));
        Assert.Equal(lastFloatChanged, Convert.FromBase64String(stored[names.Count].Value));

        foreach (var v in values)
            Assert.Equal("video-" + values.IndexOf(v), Assert.Single(await Store.FindAsync(SignalTypes.Tmk, v)).ContentId);
        var byType = new List<string>();
        await foreach (var e in Store.EnumerateEntriesAsync("tmk", signalType: "tmk")) byType.Add(e.Value);
        Assert.Equal(values, byType);
        Assert.Equal(9L, (await Store.GetStatsAsync("tmk")).EnabledByType["tmk"]);

        Assert.Equal(1, await Store.SetDisabledAsync("tmk", [(SignalTypes.Tmk, values[0])], true, "test"));
        Assert.True(Assert.Single(await Store.FindAsync(SignalTypes.Tmk, values[0])).Disabled);
        Assert.False(Assert.Single(await Store.FindAsync(SignalTypes.Tmk, values[^2])).Disabled);
        Assert.Equal(1, await Store.RemoveEntriesAsync("tmk", [(SignalTypes.Tmk, values[^2])]));
        Assert.Empty(await Store.FindAsync(SignalTypes.Tmk, values[^2]));
        Assert.Equal(values[^2], Assert.Single(await Store.GetChangesAsync(0), c => c.Removed).Value);
        Assert.Single(await Store.FindAsync(SignalTypes.Tmk, values[0]));
    }
}

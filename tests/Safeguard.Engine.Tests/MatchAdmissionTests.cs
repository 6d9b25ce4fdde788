using Safeguard.Banks;
using Safeguard.Engine.Index;
using Safeguard.Engine.Matching;
using Safeguard.Hashing.Pdq;
using Safeguard.Matching;
using Safeguard.Signals;
using TestData = Safeguard.Banks.Tests.TestData;

namespace Safeguard.Engine.Tests;

/// <summary>A clock a test sets by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The policy's bank filter and entries' disable-until, checked against brute force over the
/// store: only the chosen banks' entries match, and a quarantined entry matches once its time has come.
/// </summary>
public abstract class MatchAdmissionContract(StoreKind kind) : StoreBackedTests(kind, "ma_")
{
    private async Task<List<BankEntry>> AllAsync()
    {
        var all = new List<BankEntry>();
        foreach (var b in await Store.ListBanksAsync())
            await foreach (var e in Store.EnumerateEntriesAsync(b.Name, includeDisabled: false)) all.Add(e);
        return all;
    }

    private static string Near(string hex, Random rng, int bits)
    {
        var h = Hash256.Parse(hex);
        for (int i = 0; i < bits; i++) h = h.WithBitFlipped(rng.Next(256));
        return h.ToString();
    }

    [SkippableFact]
    public async Task Only_the_chosen_banks_and_entries_out_of_quarantine_match()
    {
        var rng = new Random(11);
        var now = DateTimeOffset.UtcNow;
        foreach (var bank in new[] { "a", "b", "c" })
        {
            await Store.CreateBankAsync(bank);
            var records = new List<EntryRecord>();
            for (int i = 0; i < 40; i++)
            {
                var centre = TestData.Hex(rng, 64);
                // Every fourth entry waits an hour, every seventh waited and is free again.
                DateTimeOffset? until = i % 4 == 0 ? now.AddHours(1) : i % 7 == 0 ? now.AddMinutes(-5) : null;
                records.Add(new EntryRecord(SignalTypes.Pdq, centre) { DisableUntil = until });
                records.Add(new EntryRecord(SignalTypes.Pdq, Near(centre, rng, 12)));
                records.Add(new EntryRecord(SignalTypes.Md5, TestData.Hex(rng, 32)) { DisableUntil = until });
            }
            await Store.ImportAsync(bank, records);
        }
        var index = await BankIndex.LoadAsync(Store);
        var entries = await AllAsync();
        var clock = new ManualClock(now);
        foreach (var chosen in new IReadOnlySet<string>?[] { null, new HashSet<string> { "b" }, new HashSet<string> { "a", "c" }, new HashSet<string>() })
        {
            var matcher = new Matcher(index, new MatchPolicy { Banks = chosen, Clock = clock });
            foreach (var at in new[] { now, now.AddHours(1).AddMilliseconds(1) })
            {
                clock.Now = at;
                bool Expected(BankEntry e) => (chosen is null || chosen.Contains(e.Bank)) && (e.DisableUntil is null || e.DisableUntil <= at);
                foreach (var probe in entries.Where(e => e.SignalType == "pdq").Take(30))
                {
                    var query = Near(probe.Value, rng, rng.Next(0, 20));
                    var q = Hash256.Parse(query);
                    var expected = entries.Where(e => e.SignalType == "pdq" && Hash256.Parse(e.Value).DistanceTo(q) <= matcher.Policy.Threshold && Expected(e))
                        .Select(e => e.Id).Order().ToList();
                    Assert.Equal(expected, matcher.MatchValue(SignalTypes.Pdq, query).Select(m => m.Entry.Id).Order().ToList());

                    // A live-stream frame goes through the same rule.
                    var frames = new List<PdqMatch>();
                    matcher.MatchFrame(q, 100, frames);
                    Assert.Equal(expected, frames.Select(f => index.EntryOf(f.Id).Id).Order().ToList());
                }
                foreach (var probe in entries.Where(e => e.SignalType == "md5"))
                {
                    var expected = Expected(probe) ? new List<long> { probe.Id } : [];
                    Assert.Equal(expected, matcher.MatchValue(SignalTypes.Md5, probe.Value).Select(m => m.Entry.Id).ToList());
                }
            }
        }
    }

    [SkippableFact]
    public async Task A_quarantine_set_later_arrives_through_the_feed_and_ends_by_itself()
    {
        await Store.CreateBankAsync("q");
        var md5 = TestData.Hex(new Random(5), 32);
        await Store.ImportAsync("q", [new EntryRecord(SignalTypes.Md5, md5)]);
        var index = await BankIndex.LoadAsync(Store);
        var now = DateTimeOffset.UtcNow;
        var clock = new ManualClock(now);
        var matcher = new Matcher(index, new MatchPolicy { Clock = clock });
        Assert.Single(matcher.MatchValue(SignalTypes.Md5, md5));

        var id = (await Store.FindAsync(SignalTypes.Md5, md5))[0].Id;
        var until = DateTimeOffset.FromUnixTimeMilliseconds(now.AddHours(2).ToUnixTimeMilliseconds());
        await Store.UpdateEntryAsync("q", id, new EntryUpdate { DisableUntil = until });
        await index.RefreshAsync();
        Assert.Empty(matcher.MatchValue(SignalTypes.Md5, md5));
        clock.Now = until.AddMilliseconds(-1);
        Assert.Empty(matcher.MatchValue(SignalTypes.Md5, md5));
        clock.Now = until; // no refresh: the time alone ends it
        var hit = Assert.Single(matcher.MatchValue(SignalTypes.Md5, md5));
        Assert.Equal(until, hit.Entry.DisableUntil);
    }
}

public sealed class SqliteMatchAdmissionTests() : MatchAdmissionContract(StoreKind.Sqlite);

public sealed class PostgresMatchAdmissionTests() : MatchAdmissionContract(StoreKind.Postgres);

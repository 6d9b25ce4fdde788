using Microsoft.Extensions.Time.Testing;
using Safeguard.Crawl.Notices.Contacts;
using Safeguard.Crawl.Notices.Storage;
using Safeguard.Storage;

namespace Safeguard.Crawl.Notices.Tests;

public sealed class CollectScaleTests
{
    /// <summary>Sightings spread over providers by their last address byte: 10.0.0.x → provider x % 3 (or none for x % 4 == 3).</summary>
    private static ContactsTable Contacts() => ContactsTable.Parse("c.csv", new StringReader(
        "match,provider,abuse_email\n" + string.Concat(Enumerable.Range(0, 256).Where(x => x % 4 != 3).Select(x => $"10.0.0.{x},P{x % 3},abuse@p{x % 3}.example\n"))));

    private static async Task<Dictionary<long, string?>> SeedAsync(NoticesDb db, int count)
    {
        var expected = new Dictionary<long, string?>();
        await using var conn = await db.Db.OpenConnectionAsync();
        await using var tx = await db.Db.BeginWriteAsync(conn);
        for (int i = 0; i < count; i++)
        {
            int x = i % 256;
            var id = await db.AddSightingAsync(conn, tx, $"http://h{i}.test/{i}.jpg", NoticeFlowTests.Start, $"10.0.0.{x}", NoticesDb.Sha(i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                i % 10 == 9 ? "pending" : "confirmed");
            if (i % 10 != 9) expected[id] = x % 4 == 3 ? Provider.UnassignedName : $"P{x % 3}";
        }
        await tx.CommitAsync();
        return expected;
    }

    private static async Task<Dictionary<long, string>> AssignedAsync(NoticesDb db)
    {
        var actual = new Dictionary<long, string>();
        await using var conn = await db.Db.OpenConnectionAsync();
        await using var cmd = Db.Command(conn, null,
            "SELECT ns.sighting_id, p.name FROM notice_sightings ns JOIN notices n ON n.id = ns.notice_id JOIN providers p ON p.id = n.provider_id");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) actual.Add(r.GetInt64(0), r.GetString(1));
        return actual;
    }

    [Fact]
    public async Task More_sightings_than_one_batch_are_all_assigned_to_their_provider()
    {
        await using var db = await NoticesDb.CreateAsync(false);
        var expected = await SeedAsync(db, 2600);
        var result = await new NoticeStore(db.Db, new FakeTimeProvider(NoticeFlowTests.Start)).CollectAsync(Contacts());
        Assert.Equal(expected.Count, result.Added);
        Assert.Equal(4, result.Notices);
        var actual = await AssignedAsync(db);
        Assert.Equal(expected.OrderBy(kv => kv.Key).ToList(), actual.OrderBy(kv => kv.Key).Select(kv => new KeyValuePair<long, string?>(kv.Key, kv.Value)).ToList());
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_collectors_assign_each_sighting_once_to_one_open_notice_per_provider(bool postgres)
    {
        await using var db = await NoticesDb.CreateAsync(postgres);
        var expected = await SeedAsync(db, 1200);
        var contacts = Contacts();
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            new NoticeStore(db.Db, new FakeTimeProvider(NoticeFlowTests.Start)).CollectAsync(contacts))));
        Assert.Equal(expected.Count, results.Sum(r => r.Added));
        Assert.Equal(expected.Count, (await AssignedAsync(db)).Count);
        Assert.Equal(4, await db.ScalarAsync("SELECT COUNT(*) FROM notices WHERE state = 'open'"));
        Assert.Equal(4, await db.ScalarAsync("SELECT COUNT(DISTINCT provider_id) FROM notices"));
    }
}

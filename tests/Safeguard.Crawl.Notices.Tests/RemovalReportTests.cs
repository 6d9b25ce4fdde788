using System.Text.Json;
using Safeguard.Crawl.Notices.Reports;
using Safeguard.Storage;

namespace Safeguard.Crawl.Notices.Tests;

/// <summary>The report over a fixed data set written straight into the tables, against figures worked out by hand.</summary>
public sealed class RemovalReportTests
{
    private const long T0 = 1_764_000_000_000; // notice sending time, Unix ms
    private const long Hour = 3_600_000;

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Figures_per_provider_match_hand_computed_values(bool postgres)
    {
        await using var db = await NoticesDb.CreateAsync(postgres);
        var seen = DateTimeOffset.FromUnixTimeMilliseconds(T0 - Hour);
        await using (var conn = await db.Db.OpenConnectionAsync())
        {
            async Task<long> Exec(string sql, params (string, object?)[] args) => await Db.ScalarLongAsync(conn, null, sql, default, args);
            long alpha = await Exec("INSERT INTO providers (name, abuse_email, updated_at) VALUES ('Alpha', 'abuse@alpha.example', 0) RETURNING id");
            long evil = await Exec("INSERT INTO providers (name, updated_at) VALUES ('=HYPERLINK(\"http://x\")', 0) RETURNING id");
            long n1 = await Exec("INSERT INTO notices (provider_id, kind, state, created_at, sent_at) VALUES (@p, 'notice', 'sent', 0, @t) RETURNING id", ("@p", alpha), ("@t", T0));
            long n2 = await Exec("INSERT INTO notices (provider_id, kind, state, created_at) VALUES (@p, 'notice', 'open', 0) RETURNING id", ("@p", alpha));
            long n3 = await Exec("INSERT INTO notices (provider_id, kind, state, created_at, sent_at, escalated_at) VALUES (@p, 'notice', 'escalated', 0, @t, @e) RETURNING id",
                ("@p", alpha), ("@t", T0), ("@e", T0 + 72 * Hour));
            // The escalation notice itself is not counted among notices.
            await Exec("INSERT INTO notices (provider_id, kind, parent_id, state, created_at, sent_at) VALUES (@p, 'escalation', @n, 'sent', 0, @t) RETURNING id",
                ("@p", alpha), ("@n", n3), ("@t", T0 + 72 * Hour));
            long n4 = await Exec("INSERT INTO notices (provider_id, kind, state, created_at) VALUES (@p, 'notice', 'open', 0) RETURNING id", ("@p", evil));
            async Task Item(long notice, long? goneAfterHours)
            {
                long id = await db.AddSightingAsync($"http://h.test/{Guid.NewGuid():N}.jpg", seen, null, NoticesDb.Sha(Guid.NewGuid().ToString()));
                await Exec("INSERT INTO notice_sightings (sighting_id, notice_id, rule, gone_at) VALUES (@s, @n, 'test', @g) RETURNING sighting_id",
                    ("@s", id), ("@n", notice), ("@g", goneAfterHours is { } h ? T0 + h * Hour : null));
            }
            foreach (var h in new long?[] { 1, 3, 5, 10, null }) await Item(n1, h);
            await Item(n2, null);
            await Item(n3, 20);
            await Item(n4, null);
        }

        var figures = await RemovalReport.ComputeAsync(db.Db);
        Assert.Equal(2, figures.Count);
        var a = figures.Single(f => f.Provider == "Alpha");
        // Removed after 1, 3, 5, 10, 20 h: median 5; p90 at rank 0.9 × 4 = 3.6 → 10 + 0.6 × 10 = 16.
        // First seen an hour before sending: 2, 4, 6, 11, 21 → median 6.
        Assert.Equal((7, 3, 2, 5, 1, 1), (a.Sightings, a.Notices, a.NoticesSent, a.Removed, a.StillPresent, a.Escalated));
        Assert.Equal(5.0, a.MedianHoursToRemoval!.Value, 9);
        Assert.Equal(16.0, a.P90HoursToRemoval!.Value, 9);
        Assert.Equal(6.0, a.MedianHoursSeenToRemoval!.Value, 9);
        var e = figures.Single(f => f.Provider != "Alpha");
        Assert.Equal((1, 1, 0, 0, 0, 0), (e.Sightings, e.Notices, e.NoticesSent, e.Removed, e.StillPresent, e.Escalated));
        Assert.Null(e.MedianHoursToRemoval);

        var csv = RemovalReport.ToCsv(figures).Split('\n');
        Assert.Equal(string.Join(',', RemovalReport.CsvColumns), csv[0]);
        // Sorted by name ordinally: '=' sorts before 'A'. The formula is guarded with a quote.
        Assert.Equal("\"'=HYPERLINK(\"\"http://x\"\")\",1,1,0,0,0,0,,,", csv[1]);
        Assert.Equal("Alpha,7,3,2,5,1,1,5,16,6", csv[2]);

        var json = JsonDocument.Parse(RemovalReport.ToJson(figures)).RootElement.GetProperty("providers");
        var alphaJson = json.EnumerateArray().Single(p => p.GetProperty("provider").GetString() == "Alpha");
        Assert.Equal(16.0, alphaJson.GetProperty("p90_hours_to_removal").GetDouble());
        Assert.Equal(JsonValueKind.Null, json[0].GetProperty("median_hours_to_removal").ValueKind);
    }

    [Theory]
    [InlineData(new double[] { 7 }, 0.5, 7)]
    [InlineData(new double[] { 1, 2 }, 0.5, 1.5)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.9, 9.1)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 0.9, 10)]
    public void Percentile_is_linear_between_order_statistics(double[] sorted, double p, double expected) =>
        Assert.Equal(expected, RemovalReport.Percentile(sorted, p)!.Value, 9);
}

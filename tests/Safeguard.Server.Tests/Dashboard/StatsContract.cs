using System.Globalization;
using System.Net;
using System.Text.Json;
using static Safeguard.Server.Tests.Dashboard.GeneratedReviewData;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests.Dashboard;

/// <summary>
/// <c>/v1/stats</c> and <c>/v1/stats.csv</c> against statistics counted by brute force from the rows the
/// test wrote, on SQLite and PostgreSQL.
/// </summary>
public abstract class StatsContract
{
    protected abstract Task<string> DbAsync();

    private const string From = "2026-03-01", To = "2026-03-10";

    /// <summary>Items and views from 10 days before the range to 10 days after, and some exactly on its edges.</summary>
    private static (List<GeneratedItem> Items, List<GeneratedView> Views) Generate()
    {
        var rng = new Random(15);
        long first = Millis("2026-02-19");
        var items = Items(rng, first, 30, 240);
        long start = Millis(From), end = Millis("2026-03-11");
        items.Add(new("hash-hit", "confirmed", start, ["alpha"], "confirmed", "UK-A", end - 1));         // both ends inside
        items.Add(new("hash-hit", "false_positive", start - 1, ["beta"], "false_positive", null, end)); // both ends outside
        var views = Views(rng, first, 30, 300);
        views.Add(new("key:8:sam", true, start));
        views.Add(new("key:8:sam", true, end));
        return (items, views);
    }

    [SkippableFact]
    public async Task Stats_equal_the_numbers_counted_from_the_rows_written()
    {
        await using var h = await ServerHarness.StartAsync(await DbAsync());
        var (items, views) = Generate();
        await WriteAsync(h.State.Db, items, views);
        long start = Millis(From), end = Millis("2026-03-11");
        bool In(long? t) => t >= start && t < end;
        var received = items.Where(i => In(i.CreatedAt)).ToList();
        var decided = items.Where(i => In(i.DecidedAt)).ToList();
        var seen = views.Where(v => In(v.At)).ToList();

        var s = await Json(await h.Admin.GetAsync($"/v1/stats?from={From}&to={To}"));
        Assert.Equal(From, s.GetProperty("from").GetString());
        Assert.Equal(To, s.GetProperty("to").GetString());

        var totals = s.GetProperty("totals");
        Assert.Equal(received.Count, totals.GetProperty("items").GetInt64());
        Assert.Equal(received.Count(i => i.Banks.Length > 0), totals.GetProperty("matched_items").GetInt64());
        Assert.Equal(decided.Count(i => i.Decision == "confirmed"), totals.GetProperty("confirmed").GetInt64());
        Assert.Equal(decided.Count(i => i.Decision == "false_positive"), totals.GetProperty("false_positive").GetInt64());
        Assert.Equal(decided.Count(i => i.Decision == "escalate"), totals.GetProperty("escalated").GetInt64());
        Assert.Equal(seen.Count(v => v.Clear), totals.GetProperty("clear_views").GetInt64());
        Assert.Equal(seen.Count(v => !v.Clear), totals.GetProperty("blurred_views").GetInt64());
        Assert.Equal(items.Count(i => i.Status is "pending" or "escalated"), totals.GetProperty("awaiting_review_now").GetInt64());

        AssertPerDay(s.GetProperty("items_per_day"), received.Select(i => (i.CreatedAt, i.Kind)));
        AssertPerDay(s.GetProperty("decisions_per_day"), decided.Select(i => (i.DecidedAt!.Value, i.Decision!)));

        var byBank = BankNames.ToDictionary(b => b, b => (long)received.Count(i => i.Banks.Contains(b))).Where(kv => kv.Value > 0);
        Assert.Equal(byBank.OrderBy(kv => kv.Key), Named(s.GetProperty("matches_by_bank")).OrderBy(kv => kv.Key));
        var byCategory = decided.Where(i => i.Status == "confirmed").GroupBy(i => i.Category!).Select(g => KeyValuePair.Create(g.Key, (long)g.Count()));
        Assert.Equal(byCategory.OrderBy(kv => kv.Key), Named(s.GetProperty("confirmed_by_category")).OrderBy(kv => kv.Key));

        var durations = decided.Where(i => i.Decision is "confirmed" or "false_positive").Select(i => i.DecidedAt!.Value - i.CreatedAt).Order().ToList();
        var times = s.GetProperty("time_to_decision");
        Assert.Equal(durations.Count, times.GetProperty("decided").GetInt64());
        Assert.Equal(NearestRank(durations, 0.5) / 1000.0, times.GetProperty("median_seconds").GetDouble(), 3);
        Assert.Equal(NearestRank(durations, 0.9) / 1000.0, times.GetProperty("p90_seconds").GetDouble(), 3);

        var exposure = s.GetProperty("exposure").EnumerateArray().ToDictionary(e => e.GetProperty("reviewer").GetString()!,
            e => (e.GetProperty("clear_views").GetInt64(), e.GetProperty("blurred_views").GetInt64()));
        Assert.Equal(seen.Select(v => v.Actor).Distinct().Order(), exposure.Keys.Order());
        foreach (var (actor, (clear, blurred)) in exposure)
        {
            Assert.Equal(seen.Count(v => v.Actor == actor && v.Clear), clear);
            Assert.Equal(seen.Count(v => v.Actor == actor && !v.Clear), blurred);
        }

        // The CSV holds the same numbers, one a row; a name with a comma is quoted, a leading "=" defused (no spreadsheet formula).
        var r = await h.Admin.GetAsync($"/v1/stats.csv?from={From}&to={To}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/csv", r.Content.Headers.ContentType?.MediaType);
        var csv = (await r.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("metric,day,name,value", csv[0]);
        Assert.Contains($"total,,items,{received.Count}", csv);
        foreach (var g in received.GroupBy(i => (Day: DayOf(i.CreatedAt), i.Kind)))
            Assert.Contains($"items,{g.Key.Day},{g.Key.Kind},{g.Count()}", csv);
        Assert.Equal(received.GroupBy(i => (DayOf(i.CreatedAt), i.Kind)).Count(), csv.Count(l => l.StartsWith("items,", StringComparison.Ordinal)));
        var formula = byBank.Single(kv => kv.Key == "=sum(1,2)");
        Assert.Contains($"matches_by_bank,,\"'=sum(1,2)\",{formula.Value}", csv);
        foreach (var (actor, (clear, _)) in exposure) Assert.Contains($"clear_views,,{actor},{clear}", csv);
        Assert.DoesNotContain(csv, l => l.Contains(",=", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Stats_need_an_admin_key_and_a_sound_range()
    {
        await using var h = await ServerHarness.StartAsync(await DbAsync());
        var reviewer = await h.ClientAsync("reviewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/v1/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/v1/stats.csv")).StatusCode);
        foreach (var q in new[] { "from=2026-03-10&to=2026-03-01", "from=yesterday", "to=2026-02-30", "from=2020-01-01&to=2026-01-01" })
            Assert.Equal(HttpStatusCode.BadRequest, (await h.Admin.GetAsync("/v1/stats?" + q)).StatusCode);

        // Without dates: the last 30 days up to today (UTC), one row per day.
        var s = await Json(await h.Admin.GetAsync("/v1/stats"));
        var today = DateTime.UtcNow.Date;
        Assert.Equal(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), s.GetProperty("to").GetString());
        Assert.Equal(today.AddDays(-29).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), s.GetProperty("from").GetString());
        Assert.Equal(30, s.GetProperty("items_per_day").GetArrayLength());
    }

    [SkippableFact]
    public async Task Audit_search_filters_and_pages_newest_first()
    {
        await using var h = await ServerHarness.StartAsync(await DbAsync());
        for (int i = 0; i < 23; i++)
            await h.State.Audit.AppendAsync(i % 3 == 0 ? "key:41:rita" : "key:42:rita_b", i % 2 == 0 ? "test.even" : "test.odd", $"item:{i % 4}", $"n={i}");
        var all = await h.State.Audit.ListAsync(0, 1000);

        async Task<List<long>> Walk(string query)
        {
            var seqs = new List<long>();
            string? before = null;
            do
            {
                var page = await Json(await h.Admin.GetAsync($"/v1/admin/audit?limit=4&{query}{(before is null ? "" : "&before=" + before)}"));
                seqs.AddRange(page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
                before = page.TryGetProperty("next_before", out var n) ? n.GetInt64().ToString(CultureInfo.InvariantCulture) : null;
            } while (before is not null);
            return seqs;
        }

        Assert.Equal(all.Select(e => e.Seq).OrderDescending(), await Walk(""));
        // "rita" is a key's name: it must not match rita_b (LIKE's _ is escaped).
        Assert.Equal(all.Where(e => e.Actor == "key:41:rita").Select(e => e.Seq).OrderDescending(), await Walk("actor=rita"));
        Assert.Equal(all.Where(e => e.Actor == "key:42:rita_b" && e.Action == "test.odd").Select(e => e.Seq).OrderDescending(),
            await Walk("actor=key:42:rita_b&action=test.odd"));
        Assert.Equal(all.Where(e => e.Target == "item:2").Select(e => e.Seq).OrderDescending(), await Walk("target=item:2"));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(all.Count, (await Walk($"from={today}&to={today}")).Count);
        Assert.Empty(await Walk("to=2001-01-01"));
        Assert.Equal(HttpStatusCode.BadRequest, (await h.Admin.GetAsync("/v1/admin/audit?from=01/02/2026")).StatusCode);
        var reviewer = await h.ClientAsync("reviewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/v1/admin/audit")).StatusCode);
    }

    private static string DayOf(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static long NearestRank(List<long> sorted, double p) => sorted[(int)Math.Ceiling(p * sorted.Count) - 1];

    private static IEnumerable<KeyValuePair<string, long>> Named(JsonElement a) =>
        a.EnumerateArray().Select(e => KeyValuePair.Create(e.GetProperty("name").GetString()!, e.GetProperty("count").GetInt64()));

    /// <summary>Every day of the range once, in order, each with its counts split as the rows say.</summary>
    private static void AssertPerDay(JsonElement perDay, IEnumerable<(long At, string Key)> rows)
    {
        var expected = rows.GroupBy(r => DayOf(r.At)).ToDictionary(g => g.Key, g => g.GroupBy(r => r.Key).ToDictionary(k => k.Key, k => (long)k.Count()));
        var days = perDay.EnumerateArray().ToList();
        Assert.Equal(10, days.Count);
        for (int d = 0; d < days.Count; d++)
        {
            var day = DateTime.ParseExact(From, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(day, days[d].GetProperty("day").GetString());
            var want = expected.GetValueOrDefault(day) ?? new Dictionary<string, long>();
            var got = days[d].GetProperty("by").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
            Assert.Equal(want.OrderBy(kv => kv.Key), got.OrderBy(kv => kv.Key));
            Assert.Equal(want.Values.Sum(), days[d].GetProperty("total").GetInt64());
        }
    }
}

public sealed class SqliteStatsTests : StatsContract
{
    protected override Task<string> DbAsync() => Task.FromResult(TestDb.Sqlite());
}

public sealed class PostgresStatsTests : StatsContract
{
    protected override Task<string> DbAsync() => TestDb.PostgresAsync();
}

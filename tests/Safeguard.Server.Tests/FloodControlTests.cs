using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Server.Flood;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>Flood control against a real server: a burst over a short history is quarantined, audited and alerted; a steady entry is not.</summary>
public sealed class FloodControlTests
{
    [Fact]
    public void The_rule_is_the_larger_of_the_floor_and_the_factor_times_the_hourly_average()
    {
        var rule = new FloodRule(MinHits: 20, Factor: 5);
        Assert.Equal(20, rule.Limit(0));
        Assert.Equal(50, rule.Limit(10 * 168)); // 10 an hour for a week
        Assert.False(rule.IsBurst(20, 0));
        Assert.True(rule.IsBurst(21, 0));
        Assert.False(rule.IsBurst(50, 10 * 168));
        Assert.True(rule.IsBurst(51, 10 * 168));
    }

    [Fact]
    public async Task A_burst_is_quarantined_with_an_audit_entry_and_an_alert_and_a_steady_entry_is_not()
    {
        // Flushed by hand: the background flush is set far off so the test decides when.
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with
        {
            Demo = false, FloodMinHits = 20, FloodFactor = 5, FloodQuarantine = TimeSpan.FromHours(24), FloodFlushInterval = TimeSpan.FromHours(1),
        });
        var flood = h.App.Services.GetRequiredService<FloodControl>();
        var matcher = await h.ClientAsync("matcher");
        string burst = new('b', 32), steady = new('5', 32);
        await h.Admin.PostAsJsonAsync("/v1/banks", new { name = "f" });
        await h.Admin.PostAsJsonAsync("/v1/banks/f/entries", new { entries = new[] { new { signal_type = "md5", value = burst }, new { signal_type = "md5", value = steady } } });
        var ids = (await Json(await h.Admin.GetAsync("/v1/banks/f/entries"))).GetProperty("entries").EnumerateArray()
            .ToDictionary(e => e.GetProperty("value").GetString()!, e => e.GetProperty("id").GetInt64());

        // The steady entry's history: 10 matches an hour for the last week (limit max(20, 5 x 10) = 50).
        long hour = FloodRule.HourOf(DateTimeOffset.UtcNow);
        for (long back = 1; back <= FloodRule.HistoryHours; back++)
            await h.State.Db.ExecAsync("INSERT INTO entry_hits (entry_id, hour, hits) VALUES (@e, @h, 10)", ("@e", ids[steady]), ("@h", hour - back));

        async Task<int> Lookup(string md5) =>
            (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = md5, review = false }))).GetProperty("matches").GetArrayLength();
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(1, await Lookup(burst));
            Assert.Equal(1, await Lookup(steady));
        }
        Assert.Equal([ids[burst]], await flood.FlushAsync());

        // Written in one batch per flush: this hour's counts are the lookups made.
        Assert.Equal(30, await h.State.Db.ScalarAsync("SELECT hits FROM entry_hits WHERE entry_id = @e AND hour = @h", ("@e", ids[burst]), ("@h", hour)));
        Assert.Equal(0, await Lookup(burst));
        Assert.Equal(1, await Lookup(steady));
        var entry = await Json(await h.Admin.GetAsync($"/v1/banks/f/entries/{ids[burst]}"));
        Assert.InRange(entry.GetProperty("disable_until").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddHours(23.9), DateTimeOffset.UtcNow.AddHours(24));

        var audit = await h.State.Audit.ListAsync(0, 1000, "bank.flood_quarantine");
        var record = Assert.Single(audit);
        Assert.Equal($"bank:f/entry:{ids[burst]}", record.Target);
        Assert.Contains("30 matches this hour", record.Detail);

        var alerts = (await Json(await h.Admin.GetAsync("/v1/admin/alerts"))).GetProperty("alerts");
        var alert = Assert.Single(alerts.EnumerateArray());
        Assert.Equal("flood_quarantine", alert.GetProperty("kind").GetString());
        Assert.Equal($"bank:f/entry:{ids[burst]}", alert.GetProperty("subject").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await matcher.GetAsync("/v1/admin/alerts")).StatusCode);
        long alertId = alert.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await h.Admin.PostAsync($"/v1/admin/alerts/{alertId}/ack", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Admin.PostAsync($"/v1/admin/alerts/{alertId}/ack", null)).StatusCode);
        Assert.Equal(0, (await Json(await h.Admin.GetAsync("/v1/admin/alerts"))).GetProperty("alerts").GetArrayLength());
        Assert.Equal(1, (await Json(await h.Admin.GetAsync("/v1/admin/alerts?all=true"))).GetProperty("alerts").GetArrayLength());

        // More lookups of the steady entry stay under its limit; nothing more is quarantined.
        for (int i = 0; i < 15; i++) await Lookup(steady);
        Assert.Empty(await flood.FlushAsync());
    }

    [Fact]
    public async Task Without_flood_control_nothing_is_counted()
    {
        await using var h = await StartAsync(TestDb.Sqlite(), o => o with { Demo = false, FloodControl = false, FloodMinHits = 1 });
        var matcher = await h.ClientAsync("matcher");
        await h.Admin.PostAsJsonAsync("/v1/banks", new { name = "f" });
        await h.Admin.PostAsJsonAsync("/v1/banks/f/entries", new { entries = new[] { new { signal_type = "md5", value = new string('c', 32) } } });
        for (int i = 0; i < 5; i++) await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = new string('c', 32), review = false });
        Assert.Empty(await h.App.Services.GetRequiredService<FloodControl>().FlushAsync());
        Assert.Equal(0, await h.State.Db.ScalarAsync("SELECT COUNT(*) FROM entry_hits"));
    }
}

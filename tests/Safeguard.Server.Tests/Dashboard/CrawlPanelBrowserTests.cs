using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Safeguard.Crawl.Frontier;
using Safeguard.Crawl.Notices.Storage;
using Safeguard.Server.Tests.Browser;
using Safeguard.Storage;

namespace Safeguard.Server.Tests.Dashboard;

/// <summary>The dashboard's crawl panel in headless Chromium: the crawler's status and the time-to-removal chart per provider.</summary>
public sealed class CrawlPanelBrowserTests
{
    private static string Text(IWebElement e) => e.GetAttribute("textContent")?.Trim() ?? "";

    /// <summary>Hours from notice to removal per provider (null: still online), with their median and 90th percentile worked out by hand (PERCENTILE.INC).</summary>
    private static readonly (string Provider, double?[] Hours, double Median, double P90)[] Providers =
    [
        ("Example Hosting", [1, 2, 3, 4, 5, null], 3, 4.6),  // p90: rank 0.9 × 4 = 3.6, between 4 and 5
        ("Imgshare", [10, 20], 15, 19),                        // p90: rank 0.9, between 10 and 20
        ("Slow Host", [48, null, null], 48, 48),
    ];

    [Fact]
    public async Task Crawl_panel_shows_the_status_and_draws_median_and_p90_hours_to_removal_per_provider()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false, Crawl = false });
        await WriteNoticesAsync(h);
        var (_, key) = await h.KeyAsync("ops", null, "admin");
        var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
        using var driver = BrowserKit.Start(profile);
        try
        {
            var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(20));
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
            driver.Navigate().GoToUrl(h.BaseUrl + "/ui/admin/#crawl");
            wait.Until(d => d.FindElement(By.Id("signin-panel")).Displayed);
            driver.FindElement(By.Id("key")).SendKeys(key);
            driver.FindElement(By.Id("signin")).Click();
            var panel = wait.Until(d => d.FindElement(By.Id("crawl-panel")) is { Displayed: true } p && p.GetAttribute("data-loaded") == "1" ? p : null)!;

            int sightings = Providers.Sum(p => p.Hours.Length);
            Assert.Equal(sightings.ToString(CultureInfo.InvariantCulture), Text(panel.FindElement(By.CssSelector("[data-fact='sightings'] dd"))));
            Assert.Equal("no", Text(panel.FindElement(By.CssSelector("[data-fact='crawling_here'] dd"))));

            // One bar per provider and series, its value the figure worked out by hand; widths proportional to the values.
            var bars = panel.FindElements(By.CssSelector("#chart-removal rect[data-provider]"));
            var values = bars.ToDictionary(r => (r.GetAttribute("data-provider")!, r.GetAttribute("data-series")!),
                r => double.Parse(r.GetAttribute("data-value")!, CultureInfo.InvariantCulture));
            var expected = Providers.SelectMany(p => new[] { ((p.Provider, "median"), p.Median), ((p.Provider, "p90"), p.P90) }).ToDictionary(x => x.Item1, x => x.Item2);
            Assert.Equal(expected.Keys.Order(), values.Keys.Order());
            foreach (var (k, v) in expected) Assert.True(Math.Abs(values[k] - v) < 1e-9, $"{k}: {values[k]}, expected {v}");
            var perHour = bars.Select(r => double.Parse(r.GetAttribute("width")!, CultureInfo.InvariantCulture) / double.Parse(r.GetAttribute("data-value")!, CultureInfo.InvariantCulture)).ToList();
            Assert.True(perHour.Max() - perHour.Min() < 0.05, "bar width per hour is the same for every bar");

            // The same numbers in the table beside the chart.
            var rows = panel.FindElements(By.CssSelector("#chart-removal table tbody tr")).Select(r => r.FindElements(By.TagName("td")).Select(Text).ToArray()).ToList();
            Assert.Equal(Providers.Select(p => p.Provider), rows.Select(r => r[0]));
            Assert.Equal(["Example Hosting", "6", "5", "1", "0", "3.0", "4.6"], rows[0]);
            Assert.Equal(["Slow Host", "3", "1", "2", "0", "48", "48"], rows[2]);
            BrowserKit.AssertAccessible(driver, "the crawl panel");
            BrowserKit.Screenshot(driver, "dashboard-crawl");
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { /* chromium may still hold a file */ }
        }
    }

    /// <summary>Sightings in the service's crawl tables, and one sent notice per provider with each sighting's removal time.</summary>
    private static async Task WriteNoticesAsync(ServerHarness h)
    {
        var frontier = await h.App.Services.GetRequiredService<Crawling.CrawlFrontier>().GetAsync();
        var db = frontier.Database;
        await NoticesSchema.MigrateAsync(db);
        var sent = DateTimeOffset.UtcNow.AddDays(-5);
        await using var conn = await db.OpenConnectionAsync();
        foreach (var (provider, hours, _, _) in Providers)
        {
            long providerId = (await Db.ScalarAsync(conn, null, "INSERT INTO providers (name, abuse_email, updated_at) VALUES (@n, 'abuse@example.invalid', 1) RETURNING id", default, ("@n", provider)))!.Value;
            long noticeId = (await Db.ScalarAsync(conn, null,
                "INSERT INTO notices (provider_id, kind, state, created_at, sent_at) VALUES (@p, 'notice', 'sent', @t, @t) RETURNING id", default,
                ("@p", providerId), ("@t", sent.ToUnixTimeMilliseconds())))!.Value;
            foreach (var hour in hours)
            {
                await frontier.AddSightingsAsync([new Sighting
                {
                    Url = $"https://{provider.Replace(' ', '-').ToLowerInvariant()}.example/{Guid.NewGuid():N}.jpg", SeenAt = sent.AddHours(-1), Host = "example",
                    Headers = "{}", Sha256 = new string('a', 64), MatchKind = "bank", Bank = "known", SignalType = "pdq", Distance = 0, ReviewState = "confirmed",
                }], default);
                long sightingId = (await Db.ScalarAsync(conn, null, "SELECT MAX(id) FROM sightings", default))!.Value;
                await Db.ExecAsync(conn, null, "INSERT INTO notice_sightings (sighting_id, notice_id, rule, gone_at) VALUES (@s, @n, 'test', @g)", default,
                    ("@s", sightingId), ("@n", noticeId), ("@g", hour is { } hr ? sent.AddHours(hr).ToUnixTimeMilliseconds() : null));
            }
        }
    }
}

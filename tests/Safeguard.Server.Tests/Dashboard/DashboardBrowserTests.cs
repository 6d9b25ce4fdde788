using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Safeguard.Server.Tests.Browser;
using static Safeguard.Server.Tests.Dashboard.GeneratedReviewData;

namespace Safeguard.Server.Tests.Dashboard;

/// <summary>The operator dashboard (/ui/admin/) in headless Chromium: every panel, its flows, axe-core and screenshots.</summary>
public sealed class DashboardBrowserTests
{
    /// <summary>A server without the demo bank (the tests know every entry), an admin key, and a browser signed in with it.</summary>
    private sealed class Session : IAsyncDisposable
    {
        public required ServerHarness Server { get; init; }
        public required ChromeDriver Driver { get; init; }
        public required WebDriverWait Wait { get; init; }
        private string Profile { get; init; } = "";

        public static async Task<Session> StartAsync(string[]? roles = null)
        {
            var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
            roles ??= ["admin"];
            var (_, key) = await h.KeyAsync("ops-" + roles[0], null, roles);
            var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
            var driver = BrowserKit.Start(profile);
            var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(20));
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException)); // a panel re-rendered while a condition read it
            driver.Navigate().GoToUrl(h.BaseUrl + "/ui/admin/");
            wait.Until(d => d.FindElement(By.Id("signin-panel")).Displayed);
            driver.FindElement(By.Id("key")).SendKeys(key);
            driver.FindElement(By.Id("signin")).Click();
            return new Session { Server = h, Driver = driver, Wait = wait, Profile = profile };
        }

        /// <summary>Opens a panel by its tab and waits until its data is in.</summary>
        public IWebElement Open(string tab, string panel)
        {
            Driver.FindElement(By.CssSelector($"#tabs a[href='#{tab}']")).Click();
            return Wait.Until(d => d.FindElement(By.Id(panel)) is { Displayed: true } p && p.GetAttribute("data-loaded") == "1" ? p : null)!;
        }

        public async ValueTask DisposeAsync()
        {
            Driver.Quit();
            Driver.Dispose();
            await Server.DisposeAsync();
            try { Directory.Delete(Profile, true); } catch (IOException) { /* chromium may still hold a file */ }
        }
    }

    private static string Text(IWebElement e) => e.GetAttribute("textContent")?.Trim() ?? "";

    [Fact]
    public async Task Stats_panel_draws_the_numbers_of_the_rows_written()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var s = await Session.StartAsync();
        // Generated items over the default range (the last 30 days), counted here by brute force.
        var rng = new Random(1515);
        long first = DateTimeOffset.UtcNow.Date.AddDays(-29).Ticks / TimeSpan.TicksPerMillisecond - DateTimeOffset.UnixEpoch.Ticks / TimeSpan.TicksPerMillisecond;
        var items = Items(rng, first, 30, 120).Where(i => i.CreatedAt < DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ToList();
        items = [.. items.Select(i => i.DecidedAt > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() ? i with { DecidedAt = i.CreatedAt + 1000 } : i)];
        var views = Views(rng, first, 29, 80);
        await WriteAsync(s.Server.State.Db, items, views);
        s.Driver.Navigate().Refresh(); // the panel loaded before the rows were there; the session survives the reload
        var panel = s.Wait.Until(d => d.FindElement(By.Id("stats-panel")) is { Displayed: true } p && p.GetAttribute("data-loaded") == "1" ? p : null)!;

        string Total(string key) => Text(panel.FindElement(By.CssSelector($"[data-total='{key}'] dd")));
        Assert.Equal(items.Count.ToString(CultureInfo.InvariantCulture), Total("items"));
        Assert.Equal(items.Count(i => i.Banks.Length > 0).ToString(CultureInfo.InvariantCulture), Total("matched_items"));
        Assert.Equal(items.Count(i => i.Decision == "confirmed").ToString(CultureInfo.InvariantCulture), Total("confirmed"));
        Assert.Equal(views.Count(v => v.Clear).ToString(CultureInfo.InvariantCulture), Total("clear_views"));

        // Each bar segment is one day's count of one kind.
        var bars = panel.FindElements(By.CssSelector("#chart-items rect[data-day]"))
            .ToDictionary(r => (r.GetAttribute("data-day")!, r.GetAttribute("data-series")!), r => long.Parse(r.GetAttribute("data-value")!, CultureInfo.InvariantCulture));
        var expected = items.GroupBy(i => (Day(i.CreatedAt), i.Kind)).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(kv => kv.Key), bars.OrderBy(kv => kv.Key));
        // Taller bar, larger number: heights are proportional within a chart.
        var heights = panel.FindElements(By.CssSelector("#chart-items rect[data-day]"))
            .Select(r => double.Parse(r.GetAttribute("height")!, CultureInfo.InvariantCulture) / double.Parse(r.GetAttribute("data-value")!, CultureInfo.InvariantCulture)).ToList();
        Assert.True(heights.Max() - heights.Min() < 0.2, "bar height per item is the same for every bar");

        var bankBars = panel.FindElements(By.CssSelector("#chart-banks rect[data-name]"))
            .ToDictionary(r => r.GetAttribute("data-name")!, r => long.Parse(r.GetAttribute("data-value")!, CultureInfo.InvariantCulture));
        Assert.Equal(BankNames.ToDictionary(b => b, b => (long)items.Count(i => i.Banks.Contains(b))).Where(kv => kv.Value > 0).OrderBy(kv => kv.Key),
            bankBars.OrderBy(kv => kv.Key));
        // The table view holds the same numbers (for screen readers; the checkbox shows it).
        var itemRows = panel.FindElements(By.CssSelector("#chart-items table tbody tr"));
        Assert.Equal(items.Select(i => Day(i.CreatedAt)).Distinct().Count(), itemRows.Count);
        Assert.Equal(items.Count, itemRows.Sum(r => long.Parse(Text(r.FindElements(By.TagName("td"))[^1]), CultureInfo.InvariantCulture)));
        var exposureRows = panel.FindElements(By.CssSelector("#chart-exposure table.always tbody tr"))
            .ToDictionary(r => Text(r.FindElements(By.TagName("td"))[0]), r => (Text(r.FindElements(By.TagName("td"))[1]), Text(r.FindElements(By.TagName("td"))[2])));
        var exposureBars = panel.FindElements(By.CssSelector("#chart-exposure rect[data-name]"))
            .ToDictionary(r => r.GetAttribute("data-name")!, r => r.GetAttribute("data-value"));
        Assert.Equal(views.Select(v => v.Actor).Distinct().Order(), exposureRows.Keys.Order());
        foreach (var g in views.GroupBy(v => v.Actor))
        {
            var clear = g.Count(v => v.Clear).ToString(CultureInfo.InvariantCulture);
            Assert.Equal((clear, g.Count(v => !v.Clear).ToString(CultureInfo.InvariantCulture)), exposureRows[g.Key]);
            Assert.Equal(clear, exposureBars[g.Key]);
        }
        Assert.Equal("/v1/stats.csv?from=" + Day(first) + "&to=" + Day(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
            new Uri(s.Driver.FindElement(By.Id("stats-csv")).GetAttribute("href")!).PathAndQuery);

        // The CSV link works for the signed-in browser as a plain read (no UI header, as a link click sends it).
        var csv = s.Driver.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            fetch(document.getElementById('stats-csv').href, { credentials: 'same-origin' }).then(r => r.text()).then(done, e => done(String(e)));
            """) as string ?? "";
        Assert.StartsWith("metric,day,name,value\n", csv);
        Assert.Contains($"\ntotal,,items,{items.Count}\n", csv);
        BrowserKit.AssertAccessible(s.Driver, "the statistics panel");
        BrowserKit.Screenshot(s.Driver, "dashboard-stats");
        s.Driver.ExecuteScript("document.getElementById('chart-banks').scrollIntoView()");
        BrowserKit.Screenshot(s.Driver, "dashboard-stats-lower");
        s.Driver.FindElement(By.Id("stats-tables")).Click();
        Assert.True(panel.FindElement(By.CssSelector("#chart-items table")).Displayed);
        BrowserKit.AssertAccessible(s.Driver, "the statistics panel with its tables shown");
    }

    [Fact]
    public async Task Banks_panel_lists_counts_pages_and_filters_entries_and_the_index_panel_counts_them()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var s = await Session.StartAsync();
        var admin = s.Server.Admin;
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/v1/banks", new { name = "ngo-list", description = "NGO list", verified = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/v1/banks", new { name = "empty-bank" })).StatusCode);
        var md5 = Enumerable.Range(0, 40).Select(i => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(BitConverter.GetBytes(i)))).ToList();
        var sha = Enumerable.Range(0, 21).Select(i => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))).ToList();
        var entries = md5.Select((v, i) => new { signal_type = "md5", value = v, content_id = "m" + i })
            .Concat(sha.Select((v, i) => new { signal_type = "sha256", value = v, content_id = "s" + i })).ToArray();
        (await admin.PostAsJsonAsync("/v1/banks/ngo-list/entries", new { entries })).EnsureSuccessStatusCode();
        var disabled = md5.Take(5).ToList();
        (await admin.PostAsJsonAsync("/v1/banks/ngo-list/entries/disable",
            new { entries = disabled.Select(v => new { signal_type = "md5", value = v }), reason = "wrong list" })).EnsureSuccessStatusCode();

        var panel = s.Open("banks", "banks-panel");
        var row = panel.FindElements(By.CssSelector("#banks-table tbody tr")).Single(r => Text(r.FindElement(By.TagName("td"))) == "ngo-list");
        var cells = row.FindElements(By.TagName("td"));
        Assert.Equal("56", Text(cells[3])); // 61 entries, 5 disabled
        Assert.Equal("5", Text(cells[4]));

        row.FindElement(By.CssSelector("button[data-bank='ngo-list']")).Click();
        List<string> Values() => [.. s.Driver.FindElements(By.CssSelector("#entries-table tbody tr[data-id]"))
            .Select(r => r.FindElement(By.TagName("code")).GetAttribute("title")!)];
        void WaitPage(int page) => s.Wait.Until(d => d.FindElement(By.Id("entries-box")).GetAttribute("data-page") == page.ToString(CultureInfo.InvariantCulture)
            && d.FindElement(By.Id("entries-caption")).Text.EndsWith(" " + page, StringComparison.Ordinal));
        WaitPage(1);
        var all = md5.Concat(sha).ToList();
        Assert.Equal(all.Take(25), Values());
        Assert.False(s.Driver.FindElement(By.Id("entries-prev")).Enabled);
        BrowserKit.AssertAccessible(s.Driver, "the banks panel");
        BrowserKit.Screenshot(s.Driver, "dashboard-banks");
        s.Driver.FindElement(By.Id("entries-next")).Click();
        s.Wait.Until(_ => Values().FirstOrDefault() == all[25]);
        Assert.Equal(all.Skip(25).Take(25), Values());
        s.Driver.FindElement(By.Id("entries-next")).Click();
        s.Wait.Until(_ => Values().FirstOrDefault() == all[50]);
        Assert.Equal(all.Skip(50), Values());
        Assert.False(s.Driver.FindElement(By.Id("entries-next")).Enabled);
        s.Driver.FindElement(By.Id("entries-prev")).Click();
        s.Wait.Until(_ => Values().FirstOrDefault() == all[25]);

        // Filters: one signal type; without disabled entries.
        s.Driver.FindElement(By.CssSelector("#entries-type option[value='sha256']")).Click();
        s.Driver.FindElement(By.CssSelector("#entries-form button[type=submit]")).Click();
        s.Wait.Until(_ => Values().FirstOrDefault() == sha[0]);
        Assert.Equal(sha, Values());
        s.Driver.FindElement(By.CssSelector("#entries-type option[value='md5']")).Click();
        s.Driver.FindElement(By.Id("entries-disabled")).Click();
        s.Driver.FindElement(By.CssSelector("#entries-form button[type=submit]")).Click();
        s.Wait.Until(_ => Values().FirstOrDefault() == md5[5]);
        Assert.Equal(md5.Skip(5).Take(25), Values());

        // Index: the entries just added (enabled ones only), per type; no exchanges exist yet.
        var index = s.Open("index", "index-panel");
        s.Wait.Until(_ => index.GetAttribute("data-ready") == "true");
        var types = index.FindElements(By.CssSelector("#index-types tbody tr[data-type]"))
            .ToDictionary(r => r.GetAttribute("data-type")!, r => Text(r.FindElements(By.TagName("td"))[1]));
        Assert.Equal(new Dictionary<string, string> { ["md5"] = "35", ["sha256"] = "21" }.OrderBy(kv => kv.Key), types.OrderBy(kv => kv.Key));
        Assert.Equal("No exchanges configured.", Text(index.FindElement(By.Id("no-exchanges"))));
        Assert.Contains("Suppressions", index.Text);
        Assert.Equal(s.Server.State.Index.Status.Entries.ToString(CultureInfo.InvariantCulture),
            Text(index.FindElements(By.CssSelector("#index-facts div")).Single(d => d.Text.StartsWith("Entries in the index", StringComparison.Ordinal)).FindElement(By.TagName("dd"))));
        Assert.Equal(56, s.Server.State.Index.Status.Entries); // the enabled entries added above, counted by the test
        BrowserKit.AssertAccessible(s.Driver, "the index panel");
        BrowserKit.Screenshot(s.Driver, "dashboard-index");

        // The filter the entries browser uses is checked like any other query value.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/v1/banks/ngo-list/entries?signalType=nope")).StatusCode);
    }

    [Fact]
    public async Task Keys_panel_creates_a_key_shown_once_and_revokes_it_after_confirmation()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var s = await Session.StartAsync();
        var panel = s.Open("keys", "keys-panel");
        BrowserKit.AssertAccessible(s.Driver, "the keys panel");
        s.Driver.FindElement(By.Id("key-name")).SendKeys("ingest <b>7</b>");
        s.Driver.FindElement(By.CssSelector("#key-form input[value=matcher]")).Click();
        s.Driver.FindElement(By.CssSelector("#key-form input[value=curator]")).Click();
        s.Driver.FindElement(By.Id("key-create")).Click();
        var secret = s.Wait.Until(d => d.FindElement(By.Id("new-key")).Displayed ? d.FindElement(By.Id("new-key-secret")).Text : null)!;
        Assert.StartsWith("sg_", secret);

        // The key works with exactly the roles chosen, and the list shows it (its name as text, not markup).
        using var made = ServerHarness.NewClient(s.Server.BaseUrl, secret);
        Assert.Equal(HttpStatusCode.OK, (await made.GetAsync("/v1/index/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await made.GetAsync("/v1/keys")).StatusCode);
        var info = (await s.Server.State.Keys.ListAsync()).Single(k => k.Name == "ingest <b>7</b>");
        Assert.Equal(["curator", "matcher"], info.Roles.Order());
        var row = s.Wait.Until(d => d.FindElements(By.CssSelector($"#keys-table tr[data-id='{info.Id}']")).FirstOrDefault())!;
        Assert.Contains("ingest <b>7</b>", row.Text);
        Assert.Contains("matcher, curator", row.Text);
        Assert.Empty(s.Driver.FindElements(By.CssSelector("#keys-table b")));
        BrowserKit.AssertAccessible(s.Driver, "the keys panel with a new key");
        BrowserKit.Screenshot(s.Driver, "dashboard-keys");

        // Revoke: cancelling the dialog keeps the key; accepting revokes it.
        row.FindElement(By.CssSelector("button[data-key]")).Click();
        s.Driver.SwitchTo().Alert().Dismiss();
        Assert.Equal(HttpStatusCode.OK, (await made.GetAsync("/v1/index/status")).StatusCode);
        s.Driver.FindElement(By.CssSelector($"#keys-table tr[data-id='{info.Id}'] button[data-key]")).Click();
        var alert = s.Driver.SwitchTo().Alert();
        Assert.Contains("Revoke key ingest <b>7</b>", alert.Text);
        alert.Accept();
        s.Wait.Until(d => d.FindElement(By.CssSelector($"#keys-table tr[data-id='{info.Id}']")).GetAttribute("data-state") == "revoked");
        Assert.NotNull((await s.Server.State.Keys.ListAsync()).Single(k => k.Id == info.Id).RevokedAt);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await made.GetAsync("/v1/index/status")).StatusCode != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(HttpStatusCode.Unauthorized, (await made.GetAsync("/v1/index/status")).StatusCode);
        Assert.Contains((await s.Server.State.Audit.ListAsync(0, 1000, "key.revoke")), e => e.Target == $"key:{info.Id}");
    }

    [Fact]
    public async Task Audit_panel_filters_newest_first_and_verify_tells_intact_from_tampered()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var s = await Session.StartAsync();
        for (int i = 0; i < 60; i++)
            await s.Server.State.Audit.AppendAsync(i % 2 == 0 ? "key:50:rita" : "key:51:sam", i % 3 == 0 ? "media.view.clear" : "media.view.blurred", $"item:{i}", null);
        var log = await s.Server.State.Audit.ListAsync(0, 1000);
        var panel = s.Open("audit", "audit-panel");
        List<long> Seqs() => [.. s.Driver.FindElements(By.CssSelector("#audit-table tbody tr[data-seq]")).Select(r => long.Parse(r.GetAttribute("data-seq")!, CultureInfo.InvariantCulture))];
        Assert.Equal(log.Select(e => e.Seq).OrderDescending().Take(50), Seqs());
        s.Driver.FindElement(By.Id("audit-older")).Click();
        s.Wait.Until(_ => Seqs().FirstOrDefault() == log.Max(e => e.Seq) - 50);
        Assert.Equal(log.Select(e => e.Seq).OrderDescending().Skip(50), Seqs());

        s.Driver.FindElement(By.Id("audit-action")).SendKeys("media.view.clear");
        s.Driver.FindElement(By.Id("audit-actor")).SendKeys("rita");
        s.Driver.FindElement(By.CssSelector("#audit-form button[type=submit]")).Click();
        var want = log.Where(e => e.Action == "media.view.clear" && e.Actor == "key:50:rita").Select(e => e.Seq).OrderDescending().ToList();
        s.Wait.Until(_ => Seqs().SequenceEqual(want));
        Assert.Equal(10, want.Count);

        s.Driver.FindElement(By.Id("audit-verify")).Click();
        var verdict = s.Wait.Until(d => d.FindElement(By.Id("audit-verdict")) is { } v && v.GetAttribute("data-verdict") is not null ? v : null)!;
        Assert.Equal("intact", verdict.GetAttribute("data-verdict"));
        Assert.Contains($"{log.Count} entries", verdict.Text);
        BrowserKit.AssertAccessible(s.Driver, "the audit panel");
        BrowserKit.Screenshot(s.Driver, "dashboard-audit");

        // An entry edited in the database: verify now names it.
        long edited = want[^1];
        await s.Server.State.Db.ExecAsync("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = @s", ("@s", edited));
        s.Driver.FindElement(By.Id("audit-verify")).Click();
        s.Wait.Until(d => d.FindElement(By.Id("audit-verdict")).GetAttribute("data-verdict") == "tampered");
        Assert.Contains("Tampered.", s.Driver.FindElement(By.Id("audit-verdict")).Text);
        Assert.Contains($"entry {edited} was edited", s.Driver.FindElement(By.Id("audit-verdict")).Text);
        BrowserKit.AssertAccessible(s.Driver, "the audit panel with a tampered log");
    }

    [Fact]
    public async Task A_reviewer_key_is_told_the_dashboard_needs_an_admin_key()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var s = await Session.StartAsync(["reviewer"]);
        var box = s.Wait.Until(d => d.FindElement(By.Id("needs-admin")) is { Displayed: true } b ? b : null)!;
        Assert.Contains("needs an admin key", box.Text);
        Assert.Contains("its roles: reviewer", box.Text);
        Assert.False(s.Driver.FindElement(By.Id("dashboard")).Displayed);
        BrowserKit.AssertAccessible(s.Driver, "the needs-an-admin-key message");
        BrowserKit.Screenshot(s.Driver, "dashboard-needs-admin");
        // A reload keeps the session and the message; signing out shows the sign-in form.
        s.Driver.Navigate().Refresh();
        s.Wait.Until(d => d.FindElement(By.Id("needs-admin")).Displayed);
        s.Driver.FindElement(By.Id("needs-admin-signout")).Click();
        s.Wait.Until(d => d.FindElement(By.Id("signin-panel")).Displayed);
        BrowserKit.AssertAccessible(s.Driver, "the sign-in form");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await s.Server.ClientAsync("reviewer")).GetAsync("/v1/stats")).StatusCode);
    }

    [Fact]
    public async Task Index_panel_lists_exchanges_and_fetches_one_now()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var s = await Session.StartAsync();
        var (list, hashes) = Safeguard.Server.Tests.Exchanges.ExchangeTestSupport.WriteList(3);
        // Disabled, so the scheduler leaves it alone and only the button fetches it.
        Assert.Equal(HttpStatusCode.Created, (await s.Server.Admin.PostAsJsonAsync("/v1/exchanges", new
        {
            name = "feed", type = "file", bank = "fed", enabled = false, settings = new Dictionary<string, string> { ["path"] = list, ["signal_type"] = "md5" },
        })).StatusCode);

        var index = s.Open("index", "index-panel");
        var row = s.Wait.Until(d => d.FindElements(By.CssSelector("#exchanges-table tbody tr[data-exchange='feed']")).FirstOrDefault())!;
        string[] Cells() => s.Driver.FindElement(By.CssSelector("#exchanges-table tbody tr[data-exchange='feed']")).FindElements(By.TagName("td")).Select(Text).ToArray();
        Assert.Equal(["feed", "file", "fed", "no", "never", "", "", "by hand only", "Fetch now"], Cells());
        Assert.Equal(["Name", "Type", "Bank", "Enabled", "Last fetch", "Lag", "Error", "Next fetch", ""],
            index.FindElements(By.CssSelector("#exchanges-table thead th")).Select(Text));
        BrowserKit.AssertAccessible(s.Driver, "the index panel with an exchange");

        row.FindElement(By.CssSelector("button[data-exchange='feed']")).Click();
        s.Wait.Until(d => Text(d.FindElement(By.Id("exchanges-status"))).Contains("added 3", StringComparison.Ordinal));
        s.Wait.Until(_ => Cells()[4] != "never");
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", Cells()[4]);
        Assert.Equal("", Cells()[6]);
        foreach (var hash in hashes)
            Assert.Single(await s.Server.State.Banks.FindAsync(Safeguard.Signals.SignalTypes.Md5, hash, "fed"));
        // The click went through the session with the anti-forgery header and is audited as the signed-in key's.
        var actors = await s.Server.State.Db.QueryAsync("SELECT actor FROM audit_log WHERE action = 'exchange.fetch'", r => r.GetString(0));
        Assert.Contains(":ops-admin", Assert.Single(actors));
        BrowserKit.Screenshot(s.Driver, "dashboard-exchanges");
    }

    private static string Day(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

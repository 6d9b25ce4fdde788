using System.Text;
using OpenQA.Selenium;
using Safeguard.Conversations.Analysis;
using Safeguard.Payments.Analysis;

namespace Safeguard.Server.Tests;

/// <summary>The review page of a payments subject in headless Chromium: indicators, timeline and the network chart, no media.</summary>
public sealed class PaymentsBrowserTests
{
    [Fact]
    public async Task A_payments_item_shows_its_indicators_timeline_and_network_chart_without_media()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        var feed = GeneratedFeed.Make(seed: 5, ordinary: 200);
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var matcher = await h.ClientAsync("matcher");
        var (_, reviewerKey) = await h.KeyAsync("Rita Reviewer", null, "reviewer");
        foreach (var batch in feed.Batches(5_000))
            (await matcher.PostAsync("/v1/payments/transactions", new StringContent(batch, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var items = await h.State.Review.ListAsync(null, 0, 500);
        // A facilitator's item: its network has senders around it and their other recipients further out.
        var item = items.First(i => i.Kind == "payments-subject"
            && i.PaymentsSubject!.Value.GetProperty("subject").GetProperty("role").GetString() == "facilitator");
        var view = item.PaymentsSubject!.Value;
        var subject = view.GetProperty("subject");
        var nodes = view.GetProperty("network").GetProperty("nodes").EnumerateArray().ToList();
        var edges = view.GetProperty("network").GetProperty("edges").GetArrayLength();

        var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
        using var driver = BrowserTests.StartBrowser(profile);
        try
        {
            var wait = BrowserTests.SignIn(driver, h.BaseUrl, reviewerKey);
            wait.Until(d => d.FindElements(By.CssSelector($"li.queue-item[data-id='{item.Id}']")).FirstOrDefault(e => e.Displayed))!.Click();
            var chart = wait.Until(d => d.FindElements(By.CssSelector("#payments-network svg#network-chart")).FirstOrDefault(e => e.Displayed))!;

            // One circle per node, one line per flow, the subject in the middle coloured by its level.
            Assert.Equal(nodes.Count, chart.FindElements(By.CssSelector("g.node circle")).Count);
            Assert.Equal(edges, chart.FindElements(By.CssSelector("line.flow")).Count);
            var center = chart.FindElement(By.CssSelector("g.node[data-depth='0']"));
            Assert.Equal(subject.GetProperty("level").GetString(), center.GetAttribute("data-level"));
            var circle = center.FindElement(By.TagName("circle"));
            Assert.Equal(320.0, double.Parse(circle.GetAttribute("cx")!, System.Globalization.CultureInfo.InvariantCulture), 3);
            Assert.Equal(320.0, double.Parse(circle.GetAttribute("cy")!, System.Globalization.CultureInfo.InvariantCulture), 3);
            var expectedFill = Subject.ParseLevel(subject.GetProperty("level").GetString()!) == RiskLevel.Critical ? "#d62828" : "#f4842b";
            Assert.Equal(expectedFill, circle.GetAttribute("fill"));
            // Wider lines for larger flows.
            var widths = chart.FindElements(By.CssSelector("line.flow")).Select(l => double.Parse(l.GetAttribute("stroke-width")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(widths.Max() > widths.Min() || widths.Count < 2);

            // Indicators: name, strength, detail and their transaction ids, as the item holds them.
            var rows = driver.FindElements(By.CssSelector("#payments-indicators tr.indicator"));
            var indicators = subject.GetProperty("indicators").EnumerateArray().ToList();
            Assert.Equal(indicators.Count, rows.Count);
            for (int i = 0; i < rows.Count; i++)
            {
                Assert.Contains(indicators[i].GetProperty("name").GetString()!, rows[i].Text);
                Assert.Contains(indicators[i].GetProperty("detail").GetString()!, rows[i].Text);
                Assert.Contains(indicators[i].GetProperty("transactions")[0].GetString()!, rows[i].Text);
            }
            Assert.Contains(subject.GetProperty("level").GetString()!, driver.FindElement(By.Id("payments-facts")).Text);
            Assert.Equal(view.GetProperty("timeline").GetProperty("flows").GetArrayLength(), driver.FindElements(By.CssSelector("#payments-flows tbody tr")).Count);

            // No media: no preview, no unblur, and no media view in the audit log.
            Assert.False(driver.FindElement(By.Id("preview")).Displayed);
            Assert.False(driver.FindElement(By.Id("unblur")).Displayed);
            Assert.DoesNotContain(await h.State.Audit.ListAsync(0, 1000, null, $"item:{item.Id}"), e => e.Action.StartsWith("media.", StringComparison.Ordinal));

            // A payments subject is decided without a media category.
            driver.FindElement(By.CssSelector("#decision option[value='confirmed']")).Click();
            driver.FindElement(By.Id("decide")).Click();
            wait.Until(d => d.FindElement(By.Id("decision-result")).Text.Contains("Recorded: confirmed"));
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}

using System.Net;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Safeguard.Server.Review;
using Safeguard.Server.Tests.Browser;
using static Safeguard.Server.Tests.ReviewConsoleContract;

namespace Safeguard.Server.Tests;

/// <summary>The review console in headless Chromium: queue filters, groups, keyboard, claims, batch, reveal controls, wellness, conversations.</summary>
public sealed class ConsoleBrowserTests
{
    private static async Task WithBrowserAsync(Func<ChromeDriver, Task> run)
    {
        var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
        using var driver = BrowserKit.Start(profile);
        try { await run(driver); }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }

    /// <summary>Signs in; lists and the audit trail are re-rendered while the test reads them, so a stale element is retried.</summary>
    private static WebDriverWait SignIn(ChromeDriver driver, string baseUrl, string key)
    {
        var wait = BrowserTests.SignIn(driver, baseUrl, key);
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        return wait;
    }

    private static IWebElement Row(WebDriverWait wait, long id) =>
        wait.Until(d => d.FindElements(By.CssSelector($"li.queue-item[data-id='{id}']")).FirstOrDefault(e => e.Displayed))!;

    private static List<long> RowIds(IWebDriver d) => d.FindElements(By.CssSelector("#queue li.queue-item")).Select(e => long.Parse(e.GetAttribute("data-id")!)).ToList();

    private static void Open(WebDriverWait wait, long id)
    {
        Row(wait, id).FindElement(By.CssSelector("button.row-open")).Click();
        wait.Until(d => d.FindElement(By.Id("item-title")).Text.Contains($"#{id} "));
    }

    /// <summary>Picks a select's option as a person would (the change event follows).</summary>
    private static void Choose(ChromeDriver driver, string id, string value) =>
        driver.ExecuteScript("const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change'));", id, value);

    private static void Press(IWebDriver driver, string keys) => new OpenQA.Selenium.Interactions.Actions(driver).SendKeys(keys).Perform();

    private static byte[] DemoImage() => System.IO.File.ReadAllBytes(Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First());

    [Fact]
    public async Task Reviewer_filters_the_queue_decides_by_keyboard_and_decides_a_duplicate_group_at_once()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var (_, key) = await h.KeyAsync("Rita Reviewer", null, "reviewer");
        var dupA = await HashHitAsync(h, "ngo-list", Hex(1), verified: false);
        var media = await PdqHitAsync(h, "demo", 6, DemoImage());
        var dupB = await HashHitAsync(h, "ngo-list", Hex(1), verified: false);
        var chat = await ConversationAsync(h, "high");

        await WithBrowserAsync(async driver =>
        {
            var wait = SignIn(driver, h.BaseUrl, key);
            Row(wait, media);
            // Grouped and by severity: the exact hits (distance 0) first as one row, then the PDQ hit at 6, then the conversation.
            Assert.Equal([dupA, media, chat], RowIds(driver));
            Assert.Contains("\u00d72 duplicates", Row(wait, dupA).Text);
            BrowserKit.AssertAccessible(driver, "the console queue");
            BrowserKit.Screenshot(driver, "console-queue");

            Choose(driver, "f-kind", "media-hit");
            wait.Until(d => RowIds(d).SequenceEqual([media]));
            Choose(driver, "f-kind", "");
            wait.Until(d => RowIds(d).Count == 3);

            // Typing in a field never fires a shortcut.
            Open(wait, media);
            driver.FindElement(By.Id("note")).SendKeys("cfe 2");
            await Task.Delay(300);
            Assert.Equal("pending", (await h.State.Review.GetAsync(media))!.Status);
            driver.FindElement(By.Id("note")).Clear();
            driver.FindElement(By.Id("item-title")).Click();
            Press(driver, "2");
            Assert.Equal("UK-B", driver.ExecuteScript("return document.getElementById('category').value"));
            Press(driver, "c");
            wait.Until(d => d.FindElement(By.Id("decision-result")).Text.Contains("Recorded: confirmed"));
            Assert.Equal(("confirmed", "UK-B"), ((await h.State.Review.GetAsync(media))!.Status, (await h.State.Review.GetAsync(media))!.Category));

            // j moves to the first row (the group; the decided item left the queue), f decides both duplicates, each with its own audit entry.
            wait.Until(d => !RowIds(d).Contains(media));
            Press(driver, "j");
            wait.Until(d => d.FindElement(By.Id("item-title")).Text.Contains($"#{dupA} "));
            Assert.True(driver.FindElement(By.Id("group-decision")).Selected);
            Press(driver, "f");
            wait.Until(d => d.FindElement(By.Id("decision-result")).Text.Contains("for 2 items"));
            foreach (var id in (long[])[dupA, dupB])
            {
                Assert.Equal("false_positive", (await h.State.Review.GetAsync(id))!.Status);
                Assert.Single(await h.State.Audit.ListAsync(0, 100, "review.decide", $"item:{id}"));
            }
            Press(driver, "?");
            wait.Until(d => d.FindElement(By.Id("help-overlay")).Displayed);
            Assert.Contains("False positive", driver.FindElement(By.Id("help-overlay")).Text);
            BrowserKit.AssertAccessible(driver, "the shortcut help");
            Press(driver, Keys.Escape);
            wait.Until(d => !d.FindElement(By.Id("help-overlay")).Displayed);
        });
    }

    [Fact]
    public async Task Reviewer_tunes_blur_and_colour_reveals_one_region_is_offered_a_break_and_sees_a_session_summary()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false, BreakAfterViews = 1, MaxClearViewsPerDay = 50 });
        var (_, key) = await h.KeyAsync("Rita Reviewer", null, "reviewer");
        var item = await PdqHitAsync(h, "demo", 6, DemoImage());
        string Target = $"item:{item}";

        await WithBrowserAsync(async driver =>
        {
            var wait = SignIn(driver, h.BaseUrl, key);
            Open(wait, item);
            wait.Until(d => d.FindElement(By.Id("preview")).GetAttribute("data-view") == "blurred");
            WaitLoaded(wait, driver);
            Assert.True(ChannelSpread(driver) <= 2, "greyscale by default");
            Assert.Contains("demo", driver.FindElement(By.Id("match-table")).Text);
            Assert.Equal("0 / 50", driver.FindElement(By.Id("exposure-text")).Text);
            BrowserKit.AssertAccessible(driver, "the console item");
            BrowserKit.Screenshot(driver, "console-item");

            driver.FindElement(By.Id("greyscale")).Click();
            wait.Until(d => d.FindElement(By.Id("preview")).GetAttribute("alt")!.Contains("colour"));
            WaitLoaded(wait, driver);
            Assert.True(ChannelSpread(driver) > 2, "colour when greyscale is off");
            driver.ExecuteScript("const b = document.getElementById('blur'); b.value = 60; b.dispatchEvent(new Event('change'));");
            wait.Until(_ => h.State.Audit.ListAsync(0, 100, "media.view.blurred", Target).Result.Any(e => e.Detail?.Contains("blur=60") == true));
            wait.Until(d => d.FindElements(By.CssSelector("#audit li.audit-entry")).Any(e => e.Text.Contains("blur=60")));

            driver.FindElement(By.CssSelector("button.quadrant[data-region='0.5,0.5']")).Click();
            wait.Until(d => d.FindElement(By.Id("preview")).GetAttribute("data-view") == "region");
            var clear = Assert.Single(await h.State.Audit.ListAsync(0, 100, "media.view.clear", Target));
            Assert.Contains("region x=0.5 y=0.5 w=0.5 h=0.5", clear.Detail);
            wait.Until(d => d.FindElements(By.CssSelector("#audit li.audit-entry")).Any(e => e.Text.Contains("partial")));
            wait.Until(d => d.FindElement(By.Id("exposure-text")).Text == "1 / 50");

            // One clear view is the break threshold here: the suggestion is shown and recorded, then taken.
            wait.Until(d => d.FindElement(By.Id("break-overlay")).Displayed);
            BrowserKit.AssertAccessible(driver, "the break suggestion");
            wait.Until(_ => h.State.Audit.ListAsync(0, 100, "wellness.break_suggested").Result.Count == 1);
            driver.FindElement(By.Id("break-take")).Click();
            wait.Until(d => d.FindElement(By.Id("break-screen")).Displayed);
            wait.Until(_ => h.State.Audit.ListAsync(0, 100, "wellness.break_taken").Result.Count == 1);
            driver.FindElement(By.Id("break-end")).Click();

            // An area dragged on the image: from 40 px left of and above the centre to 30 px right of and below it.
            var img = driver.FindElement(By.Id("preview"));
            var (w, h2) = (img.Size.Width, img.Size.Height);
            new OpenQA.Selenium.Interactions.Actions(driver).MoveToElement(img, -40, -40).ClickAndHold().MoveByOffset(70, 70).Release().Perform();
            wait.Until(d => d.FindElement(By.Id("reveal-selection")).Enabled);
            driver.FindElement(By.Id("reveal-selection")).Click();
            var dragged = wait.Until(_ => h.State.Audit.ListAsync(0, 100, "media.view.clear", Target).Result is { Count: 2 } l ? l[1] : null)!;
            var m = System.Text.RegularExpressions.Regex.Match(dragged.Detail!, @"x=([\d.]+) y=([\d.]+) w=([\d.]+) h=([\d.]+)");
            double Part(int i) => double.Parse(m.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((w / 2.0 - 40) / w, Part(1), 0.02);
            Assert.Equal((h2 / 2.0 - 40) / h2, Part(2), 0.02);
            Assert.Equal(70.0 / w, Part(3), 0.02);
            Assert.Equal(70.0 / h2, Part(4), 0.02);
            // The second clear view passes the threshold again; this time the reviewer says not now.
            wait.Until(d => d.FindElement(By.Id("break-overlay")).Displayed);
            driver.FindElement(By.Id("break-dismiss")).Click();
            wait.Until(_ => h.State.Audit.ListAsync(0, 100, "wellness.break_dismissed").Result.Count == 1);

            Press(driver, "e");
            wait.Until(d => d.FindElement(By.Id("decision-result")).Text.Contains("Recorded: escalated"));
            driver.FindElement(By.Id("signout")).Click();
            wait.Until(d => d.FindElement(By.Id("summary-panel")).Displayed);
            var summary = driver.FindElement(By.Id("summary-facts")).Text;
            Assert.Contains("Items decided\n1", summary);
            Assert.Contains("Clear views\n2", summary);
            Assert.Contains("Breaks taken\n1", summary);
            BrowserKit.AssertAccessible(driver, "the session summary");
            wait.Until(_ => h.State.Audit.ListAsync(0, 100, "wellness.session_summary").Result.Count == 1);
        });
    }

    private static void WaitLoaded(WebDriverWait wait, ChromeDriver driver) =>
        wait.Until(_ => Convert.ToInt64(driver.ExecuteScript("const i = document.getElementById('preview'); return i.complete ? i.naturalWidth : 0")) > 0);

    private static long ChannelSpread(ChromeDriver driver) => BrowserKit.MaxChannelDifference(driver, "preview");

    [Fact]
    public async Task Claimed_items_refuse_decisions_conversations_read_as_transcripts_and_verified_hits_are_confirmed_in_a_batch_without_media()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var (_, key) = await h.KeyAsync("Rita Reviewer", null, "reviewer");
        var (sam, _) = await h.KeyAsync("Sam", null, "reviewer");
        var held = await PdqHitAsync(h, "demo", 9, DemoImage());
        Assert.Equal(HttpStatusCode.OK, (await sam.PostAsync($"/v1/review/items/{held}/claim", null)).StatusCode);
        var verified = new List<long>();
        for (int i = 0; i < 3; i++)
            verified.Add(await h.State.Review.CreateAsync(new ReviewItem
            {
                Kind = "media-hit", Sha256 = Hex(100 + i), FileName = $"upload-{i}.jpg", VerifiedExact = true,
                Matches = [new Matching.ItemMatch("ngo-list", "sha256", Hex(100 + i), Hex(100 + i), $"ngo-{i}", null, "UK-A", 0, true)],
            }, DemoImage(), "key:0:uploader"));
        var chat = await h.State.Review.CreateAsync(new ReviewItem { Kind = "conversation", FileName = "conv-7", Conversation = Alert() }, null, "key:0:chat");

        await WithBrowserAsync(async driver =>
        {
            var wait = SignIn(driver, h.BaseUrl, key);
            Row(wait, held);
            Assert.Contains("claimed: Sam", Row(wait, held).Text);
            Open(wait, held);
            wait.Until(d => d.FindElement(By.Id("claim-status")).Text.Contains("Someone else"));
            Press(driver, "e");
            wait.Until(d => d.FindElement(By.Id("decision-result")).Text.Contains("claimed by key:"));
            Assert.Equal("pending", (await h.State.Review.GetAsync(held))!.Status);

            Open(wait, chat);
            var messages = wait.Until(d => d.FindElements(By.CssSelector("#transcript li.message")) is { Count: > 0 } m ? m : null)!;
            Assert.Equal(["How was school today?", "Fine. Who is this?", "Keep this between us, ok?"], messages.Select(m => m.FindElement(By.CssSelector(".msg-text")).Text));
            Assert.Contains("Secrecy request", messages[2].Text);
            Assert.DoesNotContain("Secrecy request", messages[1].Text);
            Assert.Contains("high", driver.FindElement(By.Id("conversation-facts")).Text);
            Assert.False(driver.FindElement(By.Id("media-box")).Displayed);
            BrowserKit.AssertAccessible(driver, "the conversation item");
            BrowserKit.Screenshot(driver, "console-conversation");

            driver.FindElement(By.Id("select-verified")).Click();
            wait.Until(d => d.FindElement(By.Id("batch-bar")).Displayed);
            Assert.Contains("3 verified exact hits selected", driver.FindElement(By.Id("batch-count")).Text);
            Choose(driver, "batch-category", "UK-B");
            BrowserKit.AssertAccessible(driver, "the batch bar");
            BrowserKit.Screenshot(driver, "console-batch");
            driver.FindElement(By.Id("batch-confirm")).Click();
            wait.Until(d => d.FindElement(By.Id("batch-result")).Text.Contains("Confirmed 3 items as UK-B"));
            foreach (var id in verified)
            {
                var item = (await h.State.Review.GetAsync(id))!;
                Assert.Equal(("confirmed", "UK-B"), (item.Status, item.Category));
                Assert.DoesNotContain(await h.State.Audit.ListAsync(0, 100, null, $"item:{id}"), e => e.Action.StartsWith("media.view", StringComparison.Ordinal));
            }
        });
    }

    /// <summary>A conversation alert as the monitor stores it: three evidence messages, one indicator citing the last.</summary>
    private static JsonElement Alert() => JsonSerializer.SerializeToElement(new
    {
        conversation_id = "conv-7", trigger_message_index = 4, score = 0.81, level = "high", stage = "isolation", participant = "stranger",
        indicators = new[]
        {
            new { id = "secrecy", family = "isolation", description = "Secrecy request", participant = "stranger", strength = 0.9, occurrences = 1,
                  message_indices = (int[])[4], matched_phrases = (string[])["between us"] },
        },
        timeline = Array.Empty<object>(),
        evidence_messages = new[]
        {
            new { index = 0, sender = "stranger", timestamp = "2026-03-01T18:00:00Z", text = "How was school today?" },
            new { index = 1, sender = "kid", timestamp = "2026-03-01T18:01:00Z", text = "Fine. Who is this?" },
            new { index = 4, sender = "stranger", timestamp = "2026-03-01T18:05:00Z", text = "Keep this between us, ok?" },
        },
    });
}

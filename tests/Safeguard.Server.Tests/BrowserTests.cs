using System.Net.Http.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>The review UI in headless Chromium (Debian's chromium and chromedriver), driven by Selenium.</summary>
public sealed class BrowserTests
{
    internal static ChromeDriver StartBrowser(string profile) => Browser.BrowserKit.Start(profile);

    /// <summary>Opens the UI and signs in with a reviewer key; the wait is for the steps after.</summary>
    internal static WebDriverWait SignIn(ChromeDriver driver, string baseUrl, string reviewerKey)
    {
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(20));
        driver.Navigate().GoToUrl(baseUrl + "/ui/");
        wait.Until(d => d.FindElement(By.Id("signin-panel")).Displayed);
        driver.FindElement(By.Id("key")).SendKeys(reviewerKey);
        driver.FindElement(By.Id("signin")).Click();
        return wait;
    }

    /// <summary>Whether Debian's chromium and chromedriver are there; their absence fails under CI.</summary>
    internal static bool BrowserInstalled()
    {
        if (System.IO.File.Exists("/usr/bin/chromium") && System.IO.File.Exists("/usr/bin/chromedriver")) return true;
        if (Environment.GetEnvironmentVariable("CI") == "true") throw new InvalidOperationException("chromium and chromium-driver are needed (scripts/ensure-deps.sh)");
        return false;
    }

    [Fact]
    public async Task Reviewer_signs_in_sees_a_blurred_item_unblurs_decides_and_finds_it_in_the_audit_log()
    {
        if (!BrowserInstalled()) return;
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite());
        var matcher = await h.ClientAsync("matcher");
        var (_, reviewerKey) = await h.KeyAsync("Rita Reviewer", null, "reviewer");
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First();
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(System.IO.File.ReadAllBytes(image)), "file", "<img src=x onerror=alert(1)>.jpg");
        var item = (await Json(await matcher.PostAsync("/v1/lookup/file", form))).GetProperty("review_item_id").GetInt64();

        var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
        using var driver = StartBrowser(profile);
        try
        {
            var wait = SignIn(driver, h.BaseUrl, reviewerKey);
            var entry = wait.Until(d => d.FindElements(By.CssSelector($"li.queue-item[data-id='{item}']")).FirstOrDefault(e => e.Displayed));
            Assert.Contains("<img src=x onerror=alert(1)>", entry!.Text); // shown as text, not markup
            Assert.Empty(driver.FindElements(By.CssSelector("img[src='x']")));
            Browser.BrowserKit.AssertAccessible(driver, "the review queue");
            entry.Click();

            // The media comes through fetch (with the UI's anti-forgery header) and is shown from a blob URL.
            var js = driver;
            var preview = wait.Until(d => d.FindElement(By.Id("preview")) is { Displayed: true } p && p.GetAttribute("data-view") == "blurred" ? p : null);
            wait.Until(_ => Convert.ToInt64(js.ExecuteScript("return document.getElementById('preview').complete && document.getElementById('preview').naturalWidth")) > 0);
            Assert.StartsWith("blob:", preview!.GetAttribute("src"));
            Assert.True(Browser.BrowserKit.MaxChannelDifference(driver, "preview") <= 2, "the blurred view is greyscale");
            Browser.BrowserKit.AssertAccessible(driver, "the review item");
            Assert.Equal(["media.view.blurred"], (await h.State.Audit.ListAsync(0, 1000, null, $"item:{item}")).Select(e => e.Action).Where(a => a.StartsWith("media.view")));
            // Until the explicit action, no clear view was served.
            Assert.DoesNotContain((await h.State.Audit.ListAsync(0, 1000, "media.view.clear")), e => e.Target == $"item:{item}");

            driver.FindElement(By.Id("unblur")).Click();
            wait.Until(d => d.FindElement(By.Id("preview")).GetAttribute("data-view") == "clear");
            wait.Until(_ => Convert.ToInt64(js.ExecuteScript("return document.getElementById('preview').complete && document.getElementById('preview').naturalWidth")) > 0);
            Assert.True(Browser.BrowserKit.MaxChannelDifference(driver, "preview") > 2, "the clear view has colour");

            driver.FindElement(By.CssSelector("#decision option[value='confirmed']")).Click();
            driver.FindElement(By.XPath("//select[@id='category']/option[text()='UK-C']")).Click();
            driver.FindElement(By.Id("note")).SendKeys("<b>bold?</b> matched demo");
            driver.FindElement(By.Id("decide")).Click();
            wait.Until(d => d.FindElement(By.Id("decision-result")).Text.Contains("Recorded: confirmed"));
            var audit = wait.Until(d =>
            {
                var lines = d.FindElements(By.CssSelector("#audit li.audit-entry")).Select(e => e.Text).ToList();
                return lines.Any(l => l.Contains("review.decide")) ? lines : null;
            })!;
            Assert.Contains(audit, l => l.Contains("media.view.blurred"));
            Assert.Contains(audit, l => l.Contains("media.view.clear") && l.Contains("Rita Reviewer"));
            Assert.Contains(audit, l => l.Contains("review.decide") && l.Contains("decision=confirmed") && l.Contains("<b>bold?</b>"));
            Assert.Empty(driver.FindElements(By.CssSelector("#audit b")));

            var stored = await h.State.Review.GetAsync(item);
            Assert.Equal("confirmed", stored!.Status);
            Assert.Equal("UK-C", stored.Category);
            Assert.True((await h.State.Audit.VerifyAsync()).Ok);
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_hash_only_item_shows_no_preview_box()
    {
        if (!BrowserInstalled()) return;
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite());
        var matcher = await h.ClientAsync("matcher");
        var (_, reviewerKey) = await h.KeyAsync("Rita Reviewer", null, "reviewer");
        var image = Directory.GetFiles(TestImages.Demo, "*.jpg").Order().First();
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.IO.File.ReadAllBytes(image)));
        var item = (await Json(await matcher.PostAsJsonAsync("/v1/lookup", new { signal_type = "md5", value = md5 }))).GetProperty("review_item_id").GetInt64();
        Assert.False((await h.State.Review.GetAsync(item))!.HasMedia);

        var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
        using var driver = StartBrowser(profile);
        try
        {
            var wait = SignIn(driver, h.BaseUrl, reviewerKey);
            wait.Until(d => d.FindElements(By.CssSelector($"li.queue-item[data-id='{item}']")).FirstOrDefault(e => e.Displayed))!.Click();
            wait.Until(d => d.FindElement(By.Id("item-title")).Text.Contains($"#{item}"));
            var js = driver;
            Assert.Equal("none", js.ExecuteScript("return getComputedStyle(document.getElementById('preview')).display"));
            Assert.Equal("none", js.ExecuteScript("return getComputedStyle(document.getElementById('unblur')).display"));
            Assert.False(driver.FindElement(By.Id("preview")).Displayed);
            Assert.DoesNotContain(await h.State.Audit.ListAsync(0, 1000, null, $"item:{item}"), e => e.Action.StartsWith("media.view", StringComparison.Ordinal));
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}

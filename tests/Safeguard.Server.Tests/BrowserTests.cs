using System.Net.Http.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>The review UI in headless Chromium (Debian's chromium and chromedriver), driven by Selenium.</summary>
public sealed class BrowserTests
{
    private static ChromeDriver StartBrowser(string profile)
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}", "--window-size=1200,1000");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Reviewer_signs_in_sees_a_blurred_item_unblurs_decides_and_finds_it_in_the_audit_log()
    {
        if (!System.IO.File.Exists("/usr/bin/chromium") || !System.IO.File.Exists("/usr/bin/chromedriver"))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true") throw new InvalidOperationException("chromium and chromium-driver are needed (scripts/ensure-deps.sh)");
            return;
        }
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
            var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(20));
            driver.Navigate().GoToUrl(h.BaseUrl + "/ui/");
            wait.Until(d => d.FindElement(By.Id("signin-panel")).Displayed);
            driver.FindElement(By.Id("key")).SendKeys(reviewerKey);
            driver.FindElement(By.Id("signin")).Click();
            var entry = wait.Until(d => d.FindElements(By.CssSelector($"li.queue-item[data-id='{item}']")).FirstOrDefault(e => e.Displayed));
            Assert.Contains("<img src=x onerror=alert(1)>", entry!.Text); // shown as text, not markup
            Assert.Empty(driver.FindElements(By.CssSelector("img[src='x']")));
            entry.Click();

            var preview = wait.Until(d => d.FindElement(By.Id("preview")) is { Displayed: true } p && p.GetAttribute("src")!.Contains("view=blurred") ? p : null);
            wait.Until(_ => Convert.ToInt64(((IJavaScriptExecutor)driver).ExecuteScript("return document.getElementById('preview').naturalWidth")) > 0);
            Assert.Contains($"/v1/review/items/{item}/media?view=blurred", preview!.GetAttribute("src"));
            // Until the explicit action, no clear view was served.
            Assert.DoesNotContain((await h.State.Audit.ListAsync(0, 1000, "media.view.clear")), e => e.Target == $"item:{item}");

            driver.FindElement(By.Id("unblur")).Click();
            wait.Until(d => d.FindElement(By.Id("preview")).GetAttribute("src")!.Contains("view=clear"));
            wait.Until(_ => Convert.ToInt64(((IJavaScriptExecutor)driver).ExecuteScript("return document.getElementById('preview').complete && document.getElementById('preview').naturalWidth")) > 0);

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
}

using System.Net;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;
using Safeguard.TestSupport;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests.Browser;

/// <summary>
/// The README's Quick start as a new user follows it: the demo bank from samples/images, one key with the
/// admin and reviewer roles, the blurred bridge photo looked up, then signed in at /ui/, the item opened and
/// confirmed from the keyboard, and the dashboard at /ui/admin/ with the same key.
/// </summary>
public sealed class QuickStartBrowserTests
{
    [Fact]
    public async Task A_new_user_looks_up_the_sample_signs_in_with_the_printed_key_and_confirms_the_item_from_the_keyboard()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        var samples = Path.Combine(Repository.Root, "samples", "images");
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { DemoImages = samples });
        var (client, key) = await h.KeyAsync("me", null, "admin", "reviewer");

        var form = new MultipartFormDataContent { { new ByteArrayContent(await System.IO.File.ReadAllBytesAsync(Path.Combine(samples, "bridge-blurred.jpg"))), "file", "bridge-blurred.jpg" } };
        var response = await client.PostAsync("/v1/lookup/file", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await Json(response);
        var match = Assert.Single(answer.GetProperty("matches").EnumerateArray());
        Assert.Equal("demo", match.GetProperty("bank").GetString());
        Assert.Equal("pdq", match.GetProperty("signal_type").GetString());
        var item = answer.GetProperty("review_item_id").GetInt64();
        // The same file again while the item waits: the same item, seen twice (shown in the console below).
        var again = await client.PostAsync("/v1/lookup/file", new MultipartFormDataContent { { new ByteArrayContent(await System.IO.File.ReadAllBytesAsync(Path.Combine(samples, "bridge-blurred.jpg"))), "file", "bridge-blurred.jpg" } });
        Assert.Equal(item, (await Json(again)).GetProperty("review_item_id").GetInt64());

        var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
        using var driver = BrowserKit.Start(profile);
        try
        {
            var wait = BrowserTests.SignIn(driver, h.BaseUrl, key);
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
            var row = wait.Until(d => d.FindElements(By.CssSelector($"li.queue-item[data-id='{item}']")).FirstOrDefault(e => e.Displayed))!;
            Assert.Contains("bridge-blurred.jpg", row.Text);
            Assert.Contains("seen 2 times", row.Text);
            BrowserKit.Screenshot(driver, "quickstart-queue");
            row.FindElement(By.CssSelector("button.row-open")).Click();
            wait.Until(d => d.FindElement(By.Id("item-title")).Text.Contains($"#{item} "));
            // The evidence names the demo bank before any media is asked for; the media is the blurred view.
            Assert.Contains("demo", driver.FindElement(By.Id("evidence-title")).FindElement(By.XPath("..")).Text);
            Assert.Contains("2 times", driver.FindElement(By.Id("item-facts")).Text);
            wait.Until(d => d.FindElement(By.Id("preview")) is { Displayed: true } p && p.GetAttribute("data-view") == "blurred");
            wait.Until(_ => Convert.ToInt64(driver.ExecuteScript("return document.getElementById('preview').naturalWidth")) > 0);
            BrowserKit.Screenshot(driver, "quickstart-item");

            new OpenQA.Selenium.Interactions.Actions(driver).SendKeys("3").Perform();
            wait.Until(_ => (string?)driver.ExecuteScript("return document.getElementById('category').value") == "UK-C");
            new OpenQA.Selenium.Interactions.Actions(driver).SendKeys("c").Perform();
            wait.Until(d => d.FindElement(By.Id("decision-result")).Text.Contains("confirmed", StringComparison.OrdinalIgnoreCase));
            var stored = await h.State.Review.GetAsync(item);
            Assert.Equal("confirmed", stored!.Status);
            Assert.Equal("UK-C", stored.Category);
            Assert.Contains("me", stored.DecidedBy!);

            driver.Navigate().GoToUrl(h.BaseUrl + "/ui/admin/");
            wait.Until(d => d.FindElement(By.TagName("body")).Text.Contains("Signed in: me"));
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}

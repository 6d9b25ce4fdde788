using System.Net.Http.Headers;
using System.Net.Http.Json;
using OpenQA.Selenium;
using Safeguard.Server.Media;
using Safeguard.Signals;
using Safeguard.TestSupport;
using Safeguard.Video.Vpdq;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests.Browser;

/// <summary>A matched video in the console: its frame blurred, and the keyframe strip under it, blurred and greyscale, audited.</summary>
public sealed class VideoItemBrowserTests
{
    [Fact]
    public async Task A_video_item_shows_its_keyframe_strip_blurred_and_greyscale()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var video = Path.Combine(TestData.Vpdq, "videos", "chair-19-sd-bar.mp4");
        Assert.True((await h.Admin.PostAsJsonAsync("/v1/banks", new { name = "videos" })).IsSuccessStatusCode);
        var vpdq = SignalTypes.Vpdq.Format(VpdqHasher.HashFile(video, VideoHasher.Options).Frames);
        Assert.True((await h.Admin.PostAsJsonAsync("/v1/banks/videos/entries", new { entries = new[] { new { signal_type = "vpdq", value = vpdq } } })).IsSuccessStatusCode);
        await Task.Delay(1200); // the vPDQ cache checks the change sequence at most once a second
        var matcher = await h.ClientAsync("matcher");
        var content = new ByteArrayContent(await System.IO.File.ReadAllBytesAsync(video));
        content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        var item = (await Json(await matcher.PostAsync("/v1/lookup/file", new MultipartFormDataContent { { content, "file", "chair.mp4" } })))
            .GetProperty("review_item_id").GetInt64();
        var (_, key) = await h.KeyAsync("Rita Reviewer", null, "reviewer");

        var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
        using var driver = BrowserKit.Start(profile);
        try
        {
            var wait = BrowserTests.SignIn(driver, h.BaseUrl, key);
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
            wait.Until(d => d.FindElements(By.CssSelector($"li.queue-item[data-id='{item}']")).FirstOrDefault(e => e.Displayed))!
                .FindElement(By.CssSelector("button.row-open")).Click();
            wait.Until(_ => Convert.ToInt64(driver.ExecuteScript("const k = document.getElementById('keyframes'); return k.complete ? k.naturalWidth : 0")) > 0);
            Assert.True(driver.FindElement(By.Id("keyframes-box")).Displayed);
            Assert.Contains("frames spread over the video", driver.FindElement(By.Id("media-note")).Text);
            // Greyscale, read back from the page: no pixel has a colour cast.
            var spread = BrowserKit.MaxChannelDifference(driver, "keyframes");
            Assert.True(spread <= 2, $"the strip is greyscale (largest channel difference {spread})");
            wait.Until(d => d.FindElements(By.CssSelector("#audit li")).Any(e => e.Text.Contains("media.view.keyframes")));
            driver.ExecuteScript("document.getElementById('keyframes-box').scrollIntoView()");
            BrowserKit.AssertAccessible(driver, "a video item");
            BrowserKit.Screenshot(driver, "console-video");
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}

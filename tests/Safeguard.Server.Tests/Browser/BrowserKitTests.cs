namespace Safeguard.Server.Tests.Browser;

/// <summary>The accessibility check itself: it must fail where axe-core's rules are broken, or passing pages prove nothing.</summary>
public sealed class BrowserKitTests
{
    [Fact]
    public void The_accessibility_check_fails_on_a_page_with_an_unlabelled_field_and_an_image_without_text()
    {
        if (!BrowserTests.BrowserInstalled()) return;
        var profile = Path.Combine(Path.GetTempPath(), $"sg-chromium-{Guid.NewGuid():N}");
        using var driver = BrowserKit.Start(profile);
        try
        {
            driver.Navigate().GoToUrl("data:text/html,<!doctype html><html lang=en><title>t</title><main><input type=text><img src=x.png></main></html>");
            var failure = Assert.ThrowsAny<Exception>(() => BrowserKit.AssertAccessible(driver, "a broken page"));
            Assert.Contains("label", failure.Message);
            Assert.Contains("image-alt", failure.Message);
            driver.Navigate().GoToUrl("data:text/html,<!doctype html><html lang=en><title>t</title><main><h1>Fine</h1><label>Name <input type=text></label></main></html>");
            BrowserKit.AssertAccessible(driver, "a sound page");
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }
}

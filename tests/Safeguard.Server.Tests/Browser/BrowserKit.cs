using System.Text;
using System.Text.Json;
using Deque.AxeCore.Commons;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Safeguard.TestSupport;

namespace Safeguard.Server.Tests.Browser;

/// <summary>
/// What every browser test shares: headless Chromium at 1280x800, screenshots kept in
/// <c>artifacts/screenshots/</c> for people to look at, and axe-core's accessibility rules.
/// </summary>
public static class BrowserKit
{
    public const int Width = 1280, Height = 800;

    public static string ScreenshotFolder { get; } = Path.Combine(Repository.Root, "artifacts", "screenshots");

    /// <summary>Debian's chromium driven by its chromedriver; a fresh profile folder per browser.</summary>
    public static ChromeDriver Start(string profile)
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}", $"--window-size={Width},{Height}",
            "--hide-scrollbars", "--force-device-scale-factor=1");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        // The window size includes the browser's own bars; pages and screenshots get exactly 1280x800.
        driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = Width, ["height"] = Height, ["deviceScaleFactor"] = 1, ["mobile"] = false,
        });
        return driver;
    }

    /// <summary>Saves the visible page as <c>artifacts/screenshots/NAME.png</c> (1280x800) and returns the path.</summary>
    public static string Screenshot(IWebDriver driver, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>The largest difference between colour channels over an image element's pixels, read back from the page (0 for greyscale).</summary>
    public static long MaxChannelDifference(IWebDriver driver, string imageId) => Convert.ToInt64(((IJavaScriptExecutor)driver).ExecuteScript("""
        const img = document.getElementById(arguments[0]);
        const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let max = 0;
        for (let i = 0; i < d.length; i += 4) max = Math.max(max, Math.abs(d[i] - d[i + 1]), Math.abs(d[i + 1] - d[i + 2]));
        return max;
        """, imageId), System.Globalization.CultureInfo.InvariantCulture);

    private static readonly Lazy<string> AxeSource = new(() => new BundledAxeScriptProvider().GetScript());

    /// <summary>
    /// Runs axe-core (WCAG 2.0/2.1 A and AA rules and best practices) on the current page and fails on any
    /// serious or critical violation, listing each rule with the elements it found.
    /// </summary>
    public static void AssertAccessible(IWebDriver driver, string page)
    {
        var js = (IJavaScriptExecutor)driver;
        // Injected by the test, not served: the page's CSP forbids inline and foreign scripts, and WebDriver's scripts are exempt.
        js.ExecuteScript(AxeSource.Value);
        var raw = js.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.map(n => n.target.join(' ')) })))))
              .catch(e => done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }])));
            """) as string ?? "[]";
        using var doc = JsonDocument.Parse(raw);
        var serious = new StringBuilder();
        foreach (var v in doc.RootElement.EnumerateArray())
        {
            var impact = v.GetProperty("impact").GetString();
            if (impact is not ("serious" or "critical")) continue;
            serious.Append(v.GetProperty("id").GetString()).Append(" (").Append(impact).Append("): ").Append(v.GetProperty("help").GetString())
                .Append(" at ").AppendJoin(", ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString())).AppendLine();
        }
        if (serious.Length > 0) throw new Xunit.Sdk.XunitException($"axe-core found serious violations on {page}:\n{serious}");
    }
}

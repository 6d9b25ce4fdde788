using System.Text.RegularExpressions;
using Safeguard.Server.Tests.Exchanges;

namespace Safeguard.Server.Tests;

public sealed partial class IndexLoadLogTests
{
    [Fact]
    public async Task Loading_the_index_logs_how_much_of_its_tables_are_on_huge_pages()
    {
        var logs = new CapturedLogs();
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { ExchangeFetch = false }, logs.AddTo);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? line = null;
        while (line is null && DateTime.UtcNow < deadline)
        {
            line = logs.Lines.FirstOrDefault(l => l.Contains("entries loaded", StringComparison.Ordinal));
            if (line is null) await Task.Delay(100);
        }
        Assert.NotNull(line);
        Assert.Matches(LoadedLine(), line);
    }

    [GeneratedRegex(@"index: \d+ entries loaded, PDQ from .+; PDQ tables on 2 MB pages: (\d+\.\d\d of \d+\.\d\d (MB|GB) \(\d+%\)|not reported on this system|no tables yet)")]
    private static partial Regex LoadedLine();
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Safeguard.Cli.Tests;

/// <summary>
/// A real `safeguard serve` killed (SIGKILL) half-way through a bulk import upload: its spool file
/// stays behind, the next start removes it, and the bank keeps what it held before.
/// </summary>
public sealed class ImportSpoolTests : CliFixture
{
    private readonly List<Process> _servers = [];
    private string TempDir => Path.Combine(Dir, "tmp");

    public override void Dispose()
    {
        foreach (var p in _servers)
        {
            if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(10_000); }
            p.Dispose();
        }
        base.Dispose();
    }

    private async Task<(Process Server, string Url)> ServeAsync(string secret)
    {
        int port = FreePort.Next();
        string url = $"http://127.0.0.1:{port}";
        var psi = StartInfo(["serve", "--db", Db, "--urls", url, "--no-demo"]);
        psi.Environment["TMPDIR"] = TempDir;
        var server = Process.Start(psi)!;
        _servers.Add(server);
        server.StandardInput.Close();
        _ = server.StandardOutput.ReadToEndAsync();
        _ = server.StandardError.ReadToEndAsync();
        using var http = Client(secret);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"{url}/v1/health/live")).StatusCode == HttpStatusCode.OK) return (server, url);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Assert.False(server.HasExited, "the server exited while starting");
            Assert.True(DateTime.UtcNow < deadline, "the server did not start");
            await Task.Delay(200);
        }
    }

    private static HttpClient Client(string secret)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    private List<string> UploadFiles() => Directory.Exists(TempDir)
        ? Directory.EnumerateFiles(TempDir, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).Contains("import", StringComparison.Ordinal)).ToList()
        : [];

    private static string Md5(int i, int salt) => $"{salt:x8}{i:x24}";

    [Fact]
    public async Task A_spool_file_left_by_a_killed_import_is_removed_at_the_next_start()
    {
        Directory.CreateDirectory(TempDir);
        var key = SafeguardProcess.Run(["keys", "create", "importer", "--roles", "curator", "--db", Db]);
        Assert.True(key.Exit == 0, key.Err);
        string secret = key.Out.Trim();
        RunOk("bank", "create", "list");
        var before = Enumerable.Range(0, 100).Select(i => Md5(i, 1)).ToList();
        File.WriteAllLines(Path.Combine(Dir, "before.txt"), before.Select(v => v));
        RunOk("bank", "import", "list", Path.Combine(Dir, "before.txt"), "--type", "md5");

        var (server, url) = await ServeAsync(secret);
        // Half of a large upload, then the process is killed while it waits for the rest.
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 400_000).Select(i => $"{Md5(i, 2)}\n")));
        var uri = new Uri(url);
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, uri.Port);
            var stream = tcp.GetStream();
            var head = $"POST /v1/banks/list/import?format=plain&type=md5 HTTP/1.1\r\nHost: {uri.Authority}\r\nAuthorization: Bearer {secret}\r\n" +
                       $"Content-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!UploadFiles().Any(f => new FileInfo(f).Length > 0))
            {
                Assert.True(DateTime.UtcNow < deadline, "no spool file appeared during the upload");
                await Task.Delay(100);
            }
            server.Kill(); // SIGKILL: no finally block, no dispose runs
            Assert.True(server.WaitForExit(10_000));
        }
        var left = Assert.Single(UploadFiles());

        // A spool file of a live process (this test's own) must survive the sweep.
        var live = Path.Combine(Path.GetDirectoryName(left)!, $"import-{Environment.ProcessId}-{Guid.NewGuid():N}.spool");
        File.WriteAllText(live, "in use");

        var (_, url2) = await ServeAsync(secret);
        Assert.False(File.Exists(left), $"{left} is still there after the next start");
        Assert.True(File.Exists(live), "the sweep removed a live process's spool file");
        Assert.Matches($"^import-{server.Id}-[0-9a-f]{{32}}\\.spool$", Path.GetFileName(left));
        File.Delete(live);

        using var http = Client(secret);
        using var stats = JsonDocument.Parse(await http.GetStringAsync($"{url2}/v1/banks/list"));
        Assert.Equal(before.Count, stats.RootElement.GetProperty("enabled").GetInt64());
        using var page = JsonDocument.Parse(await http.GetStringAsync($"{url2}/v1/banks/list/entries?limit=1000"));
        Assert.Equal(before, page.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("value").GetString()));

        // A complete upload through the restarted server leaves no spool file behind.
        var small = string.Concat(Enumerable.Range(0, 50).Select(i => $"{Md5(i, 3)}\n"));
        var r = await http.PostAsync($"{url2}/v1/banks/list/import?format=plain&type=md5", new StringContent(small, Encoding.ASCII, "text/plain"));
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        Assert.Empty(UploadFiles());
    }

    [Fact]
    public async Task A_killed_cli_import_leaves_no_file_and_changes_nothing()
    {
        // `bank import` stages in the database (SQLite: a temporary table in memory), not in a file.
        Directory.CreateDirectory(TempDir);
        RunOk("bank", "create", "list");
        var before = Enumerable.Range(0, 100).Select(i => Md5(i, 1)).ToList();
        File.WriteAllLines(Path.Combine(Dir, "before.txt"), before);
        RunOk("bank", "import", "list", Path.Combine(Dir, "before.txt"), "--type", "md5");
        var big = Path.Combine(Dir, "big.txt");
        File.WriteAllLines(big, Enumerable.Range(0, 600_000).Select(i => Md5(i, 2)));

        var psi = StartInfo(["bank", "import", "list", big, "--type", "md5", "--db", Db]);
        psi.Environment["TMPDIR"] = TempDir;
        using (var import = Process.Start(psi)!)
        {
            import.StandardInput.Close();
            _ = import.StandardOutput.ReadToEndAsync();
            _ = import.StandardError.ReadToEndAsync();
            await Task.Delay(2000);
            Assert.False(import.HasExited, "the import finished before it could be killed; make the list longer");
            import.Kill();
            Assert.True(import.WaitForExit(10_000));
        }
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(TempDir).Select(Path.GetFileName),
            n => !n!.StartsWith("dotnet-diagnostic-", StringComparison.Ordinal) && !n.StartsWith("clr-debug-pipe-", StringComparison.Ordinal));
        // Only the database's own files (SQLite recovers an unfinished write-ahead log on open).
        var names = Directory.EnumerateFileSystemEntries(Dir).Select(Path.GetFileName).ToList();
        Assert.Contains("banks.db", names);
        Assert.Empty(names.Except(["banks.db", "banks.db-shm", "banks.db-wal", "before.txt", "big.txt", "tmp"]));

        var export = Path.Combine(Dir, "after.txt");
        RunOk("bank", "export", "list", export, "--format", "plain");
        var values = File.ReadAllLines(export).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ')[^1]).ToList();
        Assert.Equal(before, values);
        var again = RunOk("bank", "import", "list", big, "--type", "md5");
        Assert.Contains("added 600000", again.Out);
    }

}

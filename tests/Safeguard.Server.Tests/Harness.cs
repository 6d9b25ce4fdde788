using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Server;
using Safeguard.Server.Hosting;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Safeguard.Server.Tests;

/// <summary>Where test databases come from: a temporary SQLite file, or a schema in the test PostgreSQL server.</summary>
public static class TestDb
{
    public static string Sqlite() => Path.Combine(TestTemp.Directory("sg-server-test"), "safeguard.db");

    /// <summary>A fresh schema's connection string; skips the test when no server is configured (fails under CI).</summary>
    public static async Task<string> PostgresAsync() => (await Postgres.CreateSchemaAsync("srv_")).ConnectionString;
}

/// <summary>
/// Temporary directories the tests name (a test may restart a server on the same database, so they
/// outlive each test) and removes when the test process exits.
/// </summary>
public static class TestTemp
{
    private static readonly List<string> Made = [];

    static TestTemp() => AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAll();

    /// <summary>A new directory's path under the system temp folder (created by whoever writes there first).</summary>
    public static string Directory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        lock (Made) Made.Add(path);
        return path;
    }

    private static void RemoveAll()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        lock (Made)
            foreach (var path in Made)
            {
                try { if (System.IO.Directory.Exists(path)) System.IO.Directory.Delete(path, recursive: true); }
                catch (IOException) { } // still open somewhere: the system's temp cleaning takes it
                catch (UnauthorizedAccessException) { }
            }
    }
}

public static class TestImages
{
    public static string Demo => Path.Combine(TestData.Pdq, "reg-test-input", "labelme-subset");
    public static string Bridge => Path.Combine(TestData.Pdq, "bridge-mods");

    /// <summary>The reference PDQ of an image, from Meta's reference CLI output in the test data.</summary>
    public static string ReferencePdq(string relativeToPdq)
    {
        foreach (var line in File.ReadLines(Path.Combine(TestData.Pdq, "expected-reference.csv")))
        {
            var parts = line.Split(',');
            if (parts[0] == relativeToPdq) return parts[1];
        }
        throw new InvalidOperationException($"{relativeToPdq} not in expected-reference.csv");
    }
}

/// <summary>The running server's services, as tests reach into them (from its container).</summary>
public sealed class ServerServices(IServiceProvider services)
{
    public ServerOptions Options => services.GetRequiredService<ServerOptions>();
    public Safeguard.Banks.Storage.IBankStore Banks => services.GetRequiredService<Safeguard.Banks.Storage.IBankStore>();
    public Data.ServerDb Db => services.GetRequiredService<Data.ServerDb>();
    public Audit.AuditLog Audit => services.GetRequiredService<Audit.AuditLog>();
    public Auth.ApiKeyStore Keys => services.GetRequiredService<Auth.ApiKeyStore>();
    public Index.LiveIndex Index => services.GetRequiredService<Index.LiveIndex>();
    public Review.ReviewStore Review => services.GetRequiredService<Review.ReviewStore>();
    public Media.HasherPool Hashers => services.GetRequiredService<Media.HasherPool>();
    public Audit.AuditCheckpointer Checkpoints => services.GetRequiredService<Audit.AuditCheckpointer>();
}

/// <summary>A real server on a free loopback port (Kestrel), and clients with keys of chosen roles.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required string BaseUrl { get; init; }
    public required ServerServices State { get; init; }
    public required HttpClient Admin { get; init; }
    private readonly List<HttpClient> _clients = [];

    public static async Task<ServerHarness> StartAsync(string db, Func<ServerOptions, ServerOptions>? configure = null, Action<ILoggingBuilder>? logging = null)
    {
        int port = FreePort.Next();
        // The signing key (and, for PostgreSQL, the checkpoint file) in a fresh directory: tests never touch the user's data directory.
        var audit = TestTemp.Directory("sg-audit");
        var options = new ServerOptions
        {
            Db = db, Urls = $"http://127.0.0.1:{port}", DemoImages = TestImages.Demo, AuditKey = Path.Combine(audit, "audit-signing.key"),
            FeedKey = Path.Combine(audit, "feed-signing.key"),
            AuditCheckpoints = Safeguard.Storage.ConnectionStrings.IsPostgres(db) ? Path.Combine(audit, "audit-checkpoints.log") : null,
            // Every test's server shares this process's thread pool: another test's load must not shed this one's requests.
            ThreadPoolBacklogLimit = int.MaxValue,
        };
        if (configure is not null) options = configure(options);
        var app = await SafeguardServer.BuildAsync(options, logging ?? (l => l.SetMinimumLevel(LogLevel.Warning)));
        await app.StartAsync();
        var state = new ServerServices(app.Services);
        var (_, secret) = await state.Keys.CreateAsync("test-admin", ["admin"], 100_000, "test");
        var h = new ServerHarness { App = app, BaseUrl = options.Urls, State = state, Admin = NewClient(options.Urls, secret) };
        h._clients.Add(h.Admin);
        return h;
    }


    public static HttpClient NewClient(string baseUrl, string? key)
    {
        var c = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return c;
    }

    public async Task<(HttpClient Client, string Secret)> KeyAsync(string name, int? rate, params string[] roles)
    {
        var r = await Admin.PostAsJsonAsync("/v1/keys", new { name, roles, rate_per_second = rate });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var secret = (await Json(r)).GetProperty("secret").GetString()!;
        var c = NewClient(BaseUrl, secret);
        _clients.Add(c);
        return (c, secret);
    }

    public async Task<HttpClient> ClientAsync(params string[] roles) => (await KeyAsync("k-" + string.Join("-", roles), null, roles)).Client;

    public static async Task<JsonElement> Json(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        if ((int)r.StatusCode >= 500) throw new InvalidOperationException($"HTTP {(int)r.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static MultipartFormDataContent File(string path, string field = "photo")
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(System.IO.File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(content, field, Path.GetFileName(path));
        return form;
    }

    public static MultipartFormDataContent Bytes(byte[] bytes, string fileName)
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(bytes), "file", fileName);
        return form;
    }

    public async Task<long> ReviewCountAsync() =>
        (long)(await State.Db.ScalarAsync("SELECT COUNT(*) FROM review_items"))!;

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients) c.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

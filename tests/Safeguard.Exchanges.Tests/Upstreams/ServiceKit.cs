using Safeguard.Exchanges;

namespace Safeguard.Exchanges.Tests.Upstreams;

/// <summary>A fetched page with its items read (they may be enumerated once only).</summary>
public sealed record FetchedPage(ExchangePage Page, IReadOnlyList<ExchangeItem> Items);

/// <summary>Starting the service servers and driving clients through <see cref="IExchangeClient"/>.</summary>
public static class ServiceKit
{
    private static readonly HttpClient Http = new();

    public static ExchangeContext Context(ExchangeLimits? limits = null, TimeProvider? clock = null) =>
        new() { Http = Http, Limits = limits ?? new ExchangeLimits(), Clock = clock ?? TimeProvider.System };

    public static async Task<T> StartAsync<T>(T server) where T : UpstreamServer
    {
        await server.StartAsync();
        return server;
    }

    /// <summary>A server of the named type with a generated list.</summary>
    public static Task<UpstreamServer> StartAsync(string type) => type switch
    {
        "ncmec" => Started(NcmecServer.WithGeneratedEntries(10)),
        "threatexchange" => Started(ThreatExchangeServer.WithGeneratedUpdates(12)),
        "stopncii" => Started(StopNciiServer.WithGeneratedRecords(10)),
        "tat" => Started(TatServer.WithGeneratedEntries(10)),
        _ => throw new ArgumentException(type),
    };

    private static async Task<UpstreamServer> Started(UpstreamServer server)
    {
        await server.StartAsync();
        return server;
    }

    public static IExchangeClient Client(UpstreamServer server, ExchangeSettings? settings = null, ExchangeLimits? limits = null, TimeProvider? clock = null)
    {
        var type = ExchangeTypes.Get(server.TypeName);
        settings ??= server.Settings();
        Assert.Null(type.Validate(settings));
        return type.Create(settings, Context(limits, clock));
    }

    /// <summary>Every page from <paramref name="checkpoint"/>, at most <paramref name="maxPages"/>.</summary>
    public static async Task<List<FetchedPage>> FetchAsync(IExchangeClient client, string? checkpoint, int maxPages = 1000)
    {
        var pages = new List<FetchedPage>();
        await foreach (var page in client.FetchAsync(checkpoint, CancellationToken.None))
        {
            pages.Add(new FetchedPage(page, page.Items.ToList()));
            if (pages.Count >= maxPages) break;
        }
        return pages;
    }

    /// <summary>An item as text for comparing with a hand-made expectation: type, value, withdrawn, upstream id.</summary>
    public static string Key(ExchangeItem item) =>
        item.ByUpstreamId ? $"withdraw-all|{item.UpstreamId}" : $"{item.Entry.Type.Name}|{item.Entry.Value}|{(item.Withdrawn ? "withdrawn" : "live")}|{item.UpstreamId}";

    public static List<string> Keys(IEnumerable<FetchedPage> pages) => pages.SelectMany(p => p.Items).Select(Key).ToList();
}

/// <summary>A clock the test sets.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

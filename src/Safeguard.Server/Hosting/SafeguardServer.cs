using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Safeguard.Banks.Storage;
using Safeguard.Conversations.Monitoring;
using Safeguard.Server.Api;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Data;
using Safeguard.Server.Endpoints;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;
using Safeguard.Server.Media;
using Safeguard.Server.Review;
using Safeguard.Server.UseCases;
using Safeguard.Storage.Banks;

namespace Safeguard.Server.Hosting;

/// <summary>`safeguard serve`: registers the services, builds and runs the web application.</summary>
public static class SafeguardServer
{
    public static async Task<WebApplication> BuildAsync(ServerOptions options, Action<ILoggingBuilder>? logging = null, CancellationToken ct = default)
    {
        var dbName = options.ResolveDb();
        var banks = await BankStores.OpenAsync(dbName, ct);
        var db = await ServerDb.OpenAsync(dbName, ct);
        var signingKey = AuditSigningKey.Open(options.ResolveAuditKey(), create: true);
        var feedKey = Feeds.FeedSigningKey.Open(options.ResolveFeedKey(), create: true);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Safeguard.Server", ContentRootPath = AppContext.BaseDirectory });
        ConfigureLogging(builder.Logging, logging);
        ConfigureKestrel(builder.WebHost, options);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = ApiJson.Options.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = ApiJson.Options.DefaultIgnoreCondition;
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            // As ApiJson writes: '<' and '>' escaped, so no answer (a problem naming a hostile bank name) can read as HTML.
            o.SerializerOptions.Encoder = ApiJson.Options.Encoder;
            // Numbers are written as numbers; the document then says "integer", not "integer or string".
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        AddServices(builder.Services, options, banks, db, signingKey);
        AddFeeds(builder.Services, feedKey);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ServiceExceptionHandler>();
        builder.Services.AddOpenApi(OpenApiDocument.Configure);
        builder.Services.AddHostedService<IndexFollower>();
        if (options.FloodControl) builder.Services.AddHostedService(sp => sp.GetRequiredService<Flood.FloodControl>());
        if (options.ExchangeFetch) builder.Services.AddHostedService(sp => sp.GetRequiredService<Safeguard.Server.Exchanges.ExchangeScheduler>());
        if (options.Crawl) builder.Services.AddHostedService(sp => sp.GetRequiredService<Crawling.CrawlWorker>());
        builder.Services.AddHostedService(sp => new AuditCheckpointSchedule(options.AuditCheckpointInterval,
            sp.GetRequiredService<AuditCheckpointer>(), sp.GetRequiredService<ILogger<AuditCheckpointSchedule>>()));
        builder.Services.AddRoutingCore();
        // A query value that does not bind (?limit=abc, an overflow) throws, so the exception handler answers the problem naming it.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("safeguard");
        RemoveStaleSpoolFiles(log);
        await DemoBank.EnsureAsync(options, banks, app.Services.GetRequiredService<HasherPool>(), app.Services.GetRequiredService<AuditLog>(), log, ct);
        await app.Services.GetRequiredService<LiveIndex>().RefreshAsync(ct);
        await app.Services.GetRequiredService<LookupService>().ReloadBanksAsync(banks);
        if (options.FloodControl) app.Services.GetRequiredService<LookupService>().Observer = app.Services.GetRequiredService<Flood.FloodControl>();
        await app.Services.GetRequiredService<Suppressions>().ReloadAsync();
        // The container disposes what it built (hashers, fetcher, checkpointer); the stores opened here are closed here.
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            banks.DisposeAsync().AsTask().GetAwaiter().GetResult();
            db.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });

        Pipeline.Configure(app);
        MapEndpoints(app);
        return app;
    }

    /// <summary>
    /// One instance of each for the process. The stores are opened before the container is built
    /// (opening migrates, asynchronously); everything else is built by the container from them.
    /// </summary>
    private static void AddServices(IServiceCollection services, ServerOptions options, IBankStore banks, ServerDb db, AuditSigningKey signingKey)
    {
        services.AddSingleton(options);
        services.AddSingleton(banks);
        services.AddSingleton(db);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<LiveIndex>();
        services.AddSingleton<Suppressions>();
        services.AddSingleton<LookupService>();
        services.AddSingleton<ReviewStore>();
        var conversationOptions = options.ConversationModel is { } model
            ? new Safeguard.Conversations.Analysis.AnalyzerOptions { Model = model }
            : Safeguard.Conversations.Analysis.AnalyzerOptions.Default;
        services.AddSingleton(conversationOptions);
        services.AddSingleton(_ => new ConversationMonitor(options.ConversationAlertLevel, conversationOptions));
        services.AddSingleton(_ => new HasherPool(options));
        services.AddSingleton(_ => new SafeFetcher(options));
        services.AddSingleton(sp => new VideoHasher(sp.GetRequiredService<HasherPool>(), options.MaxConcurrentVideos, options.VideoTimeout));
        services.AddSingleton(sp => new AuditCheckpointer(sp.GetRequiredService<AuditLog>(), signingKey, options.ResolveAuditCheckpoints()));
        services.AddSingleton<Admission>();
        services.AddSingleton<MediaHashing>();

        services.AddSingleton<HashFile>();
        services.AddSingleton<LookupHash>();
        services.AddSingleton<LookupFile>();
        services.AddSingleton<SubmitForReview>();
        services.AddSingleton<EditBankEntries>();
        services.AddSingleton<EditBankContent>();
        services.AddSingleton<Flood.AdminAlerts>();
        services.AddSingleton<Flood.FloodControl>();
        services.AddSingleton<ImportBank>();
        services.AddSingleton<ViewReviewMedia>();
        services.AddSingleton<DecideReviewItem>();
        services.AddSingleton<CreateCheckpoint>();
        services.AddSingleton<ExportReport>();
        services.AddSingleton<ObserveConversation>();
        services.AddSingleton<Payments.PaymentsMonitor>();
        services.AddSingleton<Statistics.StatsQuery>();
        services.AddSingleton<Statistics.AuditSearch>();
        AddExchanges(services, options, banks);
        services.AddSingleton<Crawling.CrawlFrontier>();
        services.AddSingleton<Crawling.CrawlRequests>();
        services.AddSingleton<Crawling.CrawlReviews>();
        services.AddSingleton<Crawling.CrawlWorker>();
    }

    /// <summary>Exchanges share the bank database; the scheduler runs only where fetching is on (see <see cref="ServerOptions.ExchangeFetch"/>).</summary>
    private static void AddExchanges(IServiceCollection services, ServerOptions options, IBankStore banks)
    {
        services.AddSingleton(_ => Exchanges.ExchangeBackend.OpenStore(banks));
        services.AddSingleton(_ => Exchanges.ExchangeBackend.Context(options.FetchAllowList, options.ExchangeFileRoots));
        services.AddSingleton<Exchanges.ExchangeRunner>();
        services.AddSingleton<Exchanges.ExchangeFeedbackSender>();
        services.AddSingleton<Exchanges.ExchangeFeedbackOutbox>();
        services.AddSingleton(sp => new ManageExchanges(sp.GetRequiredService<Safeguard.Exchanges.IExchangeStore>(), banks,
            sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<Exchanges.ExchangeRunner>()));
        services.AddSingleton(_ => Exchanges.FetchLeadership.For(options.ResolveDb()));
        services.AddSingleton<Exchanges.ExchangeScheduler>();
    }

    /// <summary>Federation: the feed signing key (disposed with the container), grants, pages and feedback.</summary>
    private static void AddFeeds(IServiceCollection services, Feeds.FeedSigningKey feedKey)
    {
        services.AddSingleton(feedKey);
        services.AddSingleton<Feeds.FeedGrants>();
        services.AddSingleton(sp => new Feeds.FeedPageBuilder(sp.GetRequiredService<IBankStore>(), feedKey, TimeProvider.System));
        services.AddSingleton(sp => new Feeds.FeedFeedback(sp.GetRequiredService<ServerDb>(), sp.GetRequiredService<AuditLog>(), TimeProvider.System));
    }

    private static void MapEndpoints(WebApplication app)
    {
        CoreEndpoints.Map(app);
        BankEndpoints.Map(app);
        HmaEndpoints.Map(app);
        ExchangeEndpoints.Map(app);
        ReviewEndpoints.Map(app);
        PaymentsEndpoints.Map(app);
        CrawlEndpoints.Map(app);
        AdminEndpoints.Map(app);
        FeedEndpoints.Map(app);
        UiEndpoints.Map(app);
        OpenApiDocument.Map(app);
    }

    private static void ConfigureLogging(ILoggingBuilder logs, Action<ILoggingBuilder>? logging)
    {
        logs.ClearProviders();
        logs.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        logs.SetMinimumLevel(LogLevel.Information);
        logs.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(logs);
    }

    private static void ConfigureKestrel(IWebHostBuilder host, ServerOptions options)
    {
        host.UseUrls(options.Urls);
        host.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxMediaBytes + 64 * 1024; // raised per endpoint for imports
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
            k.Limits.MinRequestBodyDataRate = new MinDataRate(1024, TimeSpan.FromSeconds(10));
            k.Limits.MaxConcurrentConnections = 4096;
        });
    }

    /// <summary>Import uploads left by a server killed mid-import; a failure here only warns.</summary>
    private static void RemoveStaleSpoolFiles(ILogger log)
    {
        try
        {
            foreach (var path in ImportSpool.RemoveStale())
                if (log.IsEnabled(LogLevel.Information)) log.LogInformation("removed {Path}, an import upload left by a stopped process", path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("cannot clean the import spool {Dir}: {Message}", ImportSpool.DirectoryPath, ex.Message);
        }
    }
}

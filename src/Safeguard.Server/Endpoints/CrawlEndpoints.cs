using System.Text.Json;
using Safeguard.Crawl.Frontier;
using Safeguard.Exchanges.Http;
using Safeguard.Server.Api;
using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Crawling;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Endpoints;

/// <summary>The crawler inside the service: URLs in (a hotline's report form), status and sightings out.</summary>
public static class CrawlEndpoints
{
    private static readonly string[] MatchKinds = [SightingKinds.Bank, SightingKinds.Suspected];
    private static readonly string[] ReviewStates = [SightingKinds.Pending, SightingKinds.Confirmed, SightingKinds.Rejected];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/crawl/urls", async (HttpContext ctx, CrawlRequests requests, CrawlWorker worker, AuditLog audit, ServerOptions options) =>
        {
            if (ctx.Request.ContentLength > CrawlRequestCheck.MaxBodyBytes)
                throw new PayloadTooLargeException($"the body is {ctx.Request.ContentLength} bytes, over the limit of {CrawlRequestCheck.MaxBodyBytes}");
            Http.AllowLargeBody(ctx, CrawlRequestCheck.MaxBodyBytes);
            var body = await Http.ReadJsonAsync<CrawlUrlsRequest>(ctx.Request);
            var request = await CrawlRequestCheck.CheckAsync(body, options, new AddressPolicy(options.FetchAllowList), ctx.RequestAborted);
            var actor = ctx.Caller().Actor;
            long id = await requests.AddAsync(request, actor);
            await audit.AppendAsync(actor, "crawl.request", $"crawl:{id}", $"urls={request.Urls.Count}; depth={request.Scope.Depth}; same_host={request.Scope.SameHost}");
            worker.Wake();
            return Results.Json(new CrawlUrlsAccepted(id, request.Urls, request.Scope), ApiJson.Options, statusCode: StatusCodes.Status202Accepted);
        }).Roles(Roles.Crawler).AcceptsJson<CrawlUrlsRequest>().WithName("CrawlUrls")
            .WithSummary("Queue URLs for the service's crawler (http/https; private addresses only when --fetch-allow allows them), with an optional scope " +
                "(same_host, depth, patterns, exclude, ignore_robots, max_pages) and note; answers the request id")
            .Answers<CrawlUrlsAccepted>(StatusCodes.Status202Accepted).ProducesProblem(413).ProducesProblem(415);

        app.MapGet("/v1/crawl/status", async (CrawlRequests requests, CrawlFrontier frontier, CrawlWorker worker, ServerOptions options, HttpContext ctx) =>
        {
            var store = await frontier.GetAsync(ctx.RequestAborted);
            var r = await requests.CountsAsync();
            var u = await store.CountsAsync(ctx.RequestAborted);
            var s = await store.SightingCountsAsync(ctx.RequestAborted);
            var (error, at) = worker.LastError;
            bool mine = error is not null && (r.LastErrorAt is null || at >= r.LastErrorAt);
            return Results.Json(new CrawlStatus(options.Crawl, worker.Current,
                new CrawlRequestStatus(r.Queued, r.Running, r.Done, r.Failed),
                new CrawlUrlStatus(u.Queued, u.Waiting, u.Claimed, u.Done, u.Failed, u.Skipped),
                new CrawlSightingStatus(s.Total, s.Bank, s.Suspected, s.Pending, s.Confirmed, s.Rejected),
                mine ? error : r.LastError, mine ? at : r.LastErrorAt), ApiJson.Options);
        }).Roles(Roles.Crawler, Roles.Reviewer).WithName("CrawlStatus")
            .WithSummary("The service's crawler: requests by state, URLs by state, sightings (bank, suspected, pending review, confirmed, rejected) and the last error")
            .Answers<CrawlStatus>();

        app.MapGet("/v1/crawl/sightings", async (long? after, int? limit, string? match_kind, string? review_state, CrawlFrontier frontier, HttpContext ctx) =>
        {
            if (match_kind is not null && !MatchKinds.Contains(match_kind)) throw new ValidationException($"match_kind must be {string.Join(" or ", MatchKinds)}");
            if (review_state is not null && !ReviewStates.Contains(review_state)) throw new ValidationException($"review_state must be {string.Join(", ", ReviewStates)}");
            if (after < 0) throw new ValidationException("after must be 0 or more");
            int take = Http.Limit(limit, 100, 1000);
            var page = await (await frontier.GetAsync(ctx.RequestAborted)).SightingsPageAsync(after ?? 0, take, match_kind, review_state, ctx.RequestAborted);
            return Results.Json(new CrawlSightingsPage(page.Select(CrawlSightingView.Of).ToList(), page.Count == take ? page[^1].Id : null), ApiJson.Options);
        }).Roles(Roles.Crawler, Roles.Reviewer).WithName("CrawlSightings")
            .WithSummary("Sightings in id order, keyset-paged with after=next_after; match_kind (bank, suspected) and review_state (pending, confirmed, rejected) filter")
            .Answers<CrawlSightingsPage>();

        app.MapGet("/v1/crawl/removal", async (CrawlFrontier frontier, HttpContext ctx) =>
        {
            var db = (await frontier.GetAsync(ctx.RequestAborted)).Database;
            bool hasNotices;
            await using (var conn = await db.OpenConnectionAsync(ctx.RequestAborted))
                hasNotices = await db.HasTablesAsync(conn, null, "notices", "notice_sightings", "providers");
            // The notice tables appear with the first `crawl notices ... collect` on this database.
            var figures = hasNotices ? await Safeguard.Crawl.Notices.Reports.RemovalReport.ComputeAsync(db, ctx.RequestAborted) : [];
            return Results.Json(new CrawlRemoval(figures), ApiJson.Options);
        }).Roles(Roles.Crawler, Roles.Reviewer).WithName("CrawlRemoval")
            .WithSummary("Time to removal per hosting provider (the removal report of `safeguard crawl report` over the service's database): sightings, notices, removed, still present, escalated, median and 90th-percentile hours")
            .Answers<CrawlRemoval>();
    }
}

public sealed record CrawlStatus(bool CrawlingHere, long? CurrentRequest, CrawlRequestStatus Requests, CrawlUrlStatus Urls, CrawlSightingStatus Sightings,
    string? LastError, DateTimeOffset? LastErrorAt);

public sealed record CrawlRequestStatus(long Queued, long Running, long Done, long Failed);

public sealed record CrawlUrlStatus(long Queued, long Waiting, long Claimed, long Done, long Failed, long Skipped);

public sealed record CrawlSightingStatus(long Total, long Bank, long Suspected, long PendingReview, long Confirmed, long Rejected);

public sealed record CrawlRemoval(IReadOnlyList<Safeguard.Crawl.Notices.Reports.ProviderFigures> Providers);

public sealed record CrawlSightingsPage(IReadOnlyList<CrawlSightingView> Sightings, long? NextAfter);

/// <summary>A row of the crawl's sightings table (docs/crawling.md), its headers as a JSON object.</summary>
public sealed record CrawlSightingView(long Id, string Url, string? PageUrl, DateTimeOffset SeenAt, int? HttpStatus, string? ServerIp, string Host,
    JsonElement Headers, string? ContentType, string Sha256, string? Md5, string? Pdq, int? PdqQuality, string MatchKind, string Bank, long? EntryId,
    string? ContentId, string SignalType, int? Distance, string ReviewState)
{
    public static CrawlSightingView Of(Sighting s) => new(s.Id, s.Url, s.PageUrl, s.SeenAt, s.HttpStatus, s.ServerIp, s.Host, Parse(s.Headers),
        s.ContentType, s.Sha256, s.Md5, s.Pdq, s.PdqQuality, s.MatchKind, s.Bank, s.EntryId, s.ContentId, s.SignalType, s.Distance, s.ReviewState);

    private static JsonElement Parse(string headers)
    {
        try { return JsonDocument.Parse(headers).RootElement.Clone(); }
        catch (JsonException) { return JsonDocument.Parse("{}").RootElement.Clone(); }
    }
}

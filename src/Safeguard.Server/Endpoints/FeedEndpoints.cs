using Safeguard.Banks.Storage;
using Safeguard.Exchanges.Federation;
using Safeguard.Server.Api;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Feeds;

namespace Safeguard.Server.Endpoints;

/// <summary>Federation: a bank's signed delta feed for subscribers with a grant, and their signed feedback.</summary>
public static class FeedEndpoints
{
    /// <summary>A page's JSON entries, as documented in docs/federation.md (the page itself is written as signed bytes).</summary>
    public sealed record FeedPageDoc(string Feed, string Bank, string Since, string Next, bool More, string IssuedAt, IReadOnlyList<FeedEntryDoc> Entries);
    public sealed record FeedEntryDoc(string Op, string SignalType, string Value, string? ContentId, int? Category, string? Grade,
        IReadOnlyList<string>? Tags, string? Note, IReadOnlyDictionary<string, string>? Metadata, string? OriginalMediaUri);
    public sealed record FeedbackDoc(string SignalType, string Value, string Verdict, string? Note, string SentAt, string Nonce);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/feeds/{bank}", async (string bank, string? since, int? limit, HttpContext ctx, FeedGrants grants, FeedPageBuilder pages) =>
        {
            var grant = await RequireGrantAsync(ctx, grants, bank);
            if (!FeedProtocol.TryParseCheckpoint(since, out var seq, out var after))
                throw new ValidationException($"since '{Clip(since)}' is not a checkpoint (\"seq.entryId\", as a page's next gives it)");
            if (limit is < 1) throw new ValidationException("limit must be at least 1");
            SignedFeedPage page;
            try { page = await pages.BuildAsync(bank, seq, after, limit ?? 1000, grant.Fields, ctx.RequestAborted); }
            catch (Safeguard.Banks.BankException) { throw NoFeed(bank); } // the bank was deleted after the grant
            ctx.Response.Headers[FeedProtocol.KeyIdHeader] = page.KeyId;
            ctx.Response.Headers[FeedProtocol.SignatureHeader] = page.Signature;
            ctx.Response.Headers.CacheControl = "no-store";
            return Results.Bytes(page.Body, "application/json");
        }).Roles(Roles.Subscriber).WithName("ReadFeed").Answers<FeedPageDoc>()
            .WithSummary("One signed page of a bank's change feed after the checkpoint since=seq.entryId (limit up to 10000); needs a grant for the caller's key name");

        app.MapPost("/v1/feeds/{bank}/feedback", async (string bank, HttpContext ctx, FeedGrants grants, FeedFeedback feedback) =>
        {
            var grant = await RequireGrantAsync(ctx, grants, bank);
            var body = await ReadCappedAsync(ctx.Request, FeedFeedback.MaxBodyBytes);
            var recorded = await feedback.RecordAsync(grant, body, ctx.Request.Headers[FeedProtocol.FeedbackSignatureHeader].ToString(), ctx.Caller().Actor);
            return Results.Json(new { recorded = recorded.Id }, ApiJson.Options, statusCode: 201);
        }).Roles(Roles.Subscriber).AcceptsJson<FeedbackDoc>().WithName("SendFeedFeedback").Problems()
            .WithSummary("A subscriber's verdict (confirmed or false_positive) on a feed entry, signed with the grant's feedback key; a nonce is accepted once");

        app.MapGet("/v1/feeds/{bank}/feedback", async (string bank, long? after, int? limit, FeedFeedback feedback) =>
        {
            var list = await feedback.ListAsync(bank, Math.Max(0, after ?? 0), Http.Limit(limit, 100, 1000));
            return Results.Json(new { feedback = list, next_after = list.Count > 0 ? list[^1].Id : (long?)null }, ApiJson.Options);
        }).Roles(Roles.Curator).WithName("ListFeedFeedback").Problems()
            .WithSummary("Feedback subscribers sent on a bank's feed, oldest first; page with after=next_after");
    }

    /// <summary>The caller's grant; an unknown bank and a bank without a grant look the same, so a key cannot probe bank names.</summary>
    private static async Task<FeedGrant> RequireGrantAsync(HttpContext ctx, FeedGrants grants, string bank)
    {
        var grant = await grants.FindAsync(ctx.Caller().Name, bank);
        if (grant is null) throw NoFeed(bank);
        var store = ctx.RequestServices.GetRequiredService<IBankStore>();
        return await store.GetBankAsync(bank, ctx.RequestAborted) is null ? throw NoFeed(bank) : grant;
    }

    private static NotFoundException NoFeed(string bank) => new($"no feed '{Clip(bank)}' for this key (no such bank, or no grant for the key's name)");

    private static string Clip(string? s) => s is null ? "" : s.Length <= 60 ? s : s[..60] + "…";

    private static async Task<byte[]> ReadCappedAsync(HttpRequest request, int max)
    {
        if (request.ContentLength > max) throw new PayloadTooLargeException($"feedback is {request.ContentLength} bytes, over the limit of {max}");
        using var ms = new MemoryStream();
        var buffer = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
        {
            if (ms.Length + n > max) throw new PayloadTooLargeException($"feedback is over the limit of {max} bytes");
            ms.Write(buffer, 0, n);
        }
        if (ms.Length == 0) throw new ValidationException("the feedback body is empty");
        return ms.ToArray();
    }
}

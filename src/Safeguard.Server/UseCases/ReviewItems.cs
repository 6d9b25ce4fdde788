using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Media;
using Safeguard.Server.Review;

namespace Safeguard.Server.UseCases;

/// <summary>A reviewer's view of an item's media: blurred and greyscale, or clear within the daily exposure cap; every view is audited.</summary>
public sealed class ViewReviewMedia(ReviewStore review, AuditLog audit, ServerOptions options)
{
    public const string ClearAction = "media.view.clear", BlurredAction = "media.view.blurred", KeyframesAction = "media.view.keyframes";

    public Task<byte[]> RunAsync(long id, bool clear, Caller caller) =>
        clear ? ClearAsync(id, caller, null) : BlurredAsync(id, caller, null, true);

    /// <summary>Blurred at the reviewer's strength (or <paramref name="blur"/>), greyscale unless turned off.</summary>
    public async Task<byte[]> BlurredAsync(long id, Caller caller, int? blur, bool greyscale)
    {
        if (blur is not (null or (>= 4 and <= 100))) throw new ValidationException("blur must be 4..100");
        var preview = await PreviewAsync(id);
        int strength = blur ?? caller.BlurStrength ?? options.DefaultBlurStrength;
        var png = (blur is null && greyscale ? Preview.Render(preview, false, strength) : Preview.RenderView(preview, strength, greyscale, null))
            ?? throw new UnsupportedMediaException("the stored media cannot be rendered as an image");
        await audit.AppendAsync(caller.Actor, BlurredAction, $"item:{id}", blur is null && greyscale ? null : $"blur={strength}; greyscale={(greyscale ? "on" : "off")}");
        return png;
    }

    /// <summary>The clear image, or only <paramref name="region"/> clear over the blurred rest (a partial clear view); both count against the cap.</summary>
    public async Task<byte[]> ClearAsync(long id, Caller caller, ViewRegion? region)
    {
        if (region is { IsValid: false }) throw new ValidationException("region must be x, y, width and height as fractions 0..1 inside the image");
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!item.HasMedia) throw new GoneException("this item holds no media (hash-only, or deleted after the decision)");
        if (options.MaxClearViewsPerDay > 0 && await ClearViewsTodayAsync(caller.Actor) >= options.MaxClearViewsPerDay)
            throw new LimitExceededException($"exposure cap reached: {options.MaxClearViewsPerDay} clear views in 24 hours; blurred views and decisions still work");
        var preview = await PreviewAsync(id);
        var strength = caller.BlurStrength ?? options.DefaultBlurStrength;
        var png = (region is null ? Preview.Render(preview, true, strength) : Preview.RenderView(preview, strength, true, region))
            ?? throw new UnsupportedMediaException("the stored media cannot be rendered as an image");
        await audit.AppendAsync(caller.Actor, ClearAction, $"item:{id}", region is null ? null
            : FormattableString.Invariant($"partial: region x={region.X:0.###} y={region.Y:0.###} w={region.Width:0.###} h={region.Height:0.###}"));
        return png;
    }

    /// <summary>A video item's keyframe strip, only ever blurred and greyscale: there is no clear view of it.</summary>
    public async Task<byte[]> KeyframesAsync(long id, Caller caller, int? blur)
    {
        if (blur is not (null or (>= 4 and <= 100))) throw new ValidationException("blur must be 4..100");
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!item.HasMedia) throw new GoneException("this item holds no media (hash-only, or deleted after the decision)");
        var strip = await review.GetKeyframesAsync(id) ?? throw new NotFoundException("this item has no keyframe strip (only matched videos have one)");
        int strength = blur ?? caller.BlurStrength ?? options.DefaultBlurStrength;
        var png = KeyframeStrip.RenderBlurred(strip, strength) ?? throw new UnsupportedMediaException("the keyframe strip cannot be rendered");
        await audit.AppendAsync(caller.Actor, KeyframesAction, $"item:{id}", $"blur={strength}");
        return png;
    }

    /// <summary>Clear views (whole or partial) the actor had in the last 24 hours: what the exposure cap counts.</summary>
    public Task<long> ClearViewsTodayAsync(string actor) => audit.CountAsync(actor, ClearAction, DateTimeOffset.UtcNow.AddDays(-1));

    private async Task<byte[]> PreviewAsync(long id)
    {
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!item.HasMedia) throw new GoneException("this item holds no media (hash-only, or deleted after the decision)");
        return await review.GetPreviewAsync(id) ?? throw (await review.GetMediaAsync(id) is null
            ? new GoneException("media no longer held") : new UnsupportedMediaException("the stored media cannot be rendered as an image"));
    }
}

/// <summary>Records a reviewer's decision on an item that still awaits one; claims; batch confirmations of verified exact hits.</summary>
public sealed class DecideReviewItem(ReviewStore review, ServerOptions options, Exchanges.ExchangeFeedbackOutbox feedback, Crawling.CrawlReviews crawl)
{
    /// <summary>
    /// Records the decision, then the exchange feedback it gives (for exchanges that opted in), and for
    /// media the crawler suspected, the review state of its sightings (what removal notices go by).
    /// </summary>
    private async Task<ReviewItem> DecideAsync(ReviewItem item, Decision decision, string actor)
    {
        var decided = await review.DecideAsync(item, decision, actor);
        await feedback.OnDecidedAsync(decided, actor);
        await crawl.OnDecidedAsync(decided);
        return decided;
    }

    public async Task<ReviewItem> RunAsync(long id, Decision decision, string actor)
    {
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!ReviewStatus.AwaitsReview(item.Status)) throw new ConflictException($"item {id} was already decided ({item.Status})");
        return await DecideAsync(item, decision, actor);
    }

    /// <summary>
    /// One decision for the item and every awaiting duplicate of it (same exact hash), each decided and audited
    /// on its own. Refused (409) before any is decided when another reviewer holds a claim on one of them.
    /// </summary>
    public async Task<ReviewItem> RunGroupAsync(long id, Decision decision, string actor)
    {
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!ReviewStatus.AwaitsReview(item.Status)) throw new ConflictException($"item {id} was already decided ({item.Status})");
        var group = await review.OpenGroupAsync(item);
        if (group.FirstOrDefault(i => ClaimedByOther(i, actor)) is { } held)
            throw new ConflictException($"item {held.Id} of the group is claimed by {held.ClaimedBy}; decide the group when it is released");
        foreach (var member in group) await DecideAsync(member, decision with { Note = Noted(decision.Note, $"group decision with item {id}") }, actor);
        return (await review.GetAsync(id))! with { GroupIds = group.Select(i => i.Id).ToList(), GroupCount = group.Count };
    }

    /// <summary>
    /// Confirms many exact hits on verified lists at once, without anyone viewing them. All or nothing: any item
    /// that is not a verified exact hit awaiting review (or is claimed by another reviewer) refuses the batch.
    /// </summary>
    public async Task<IReadOnlyList<long>> BatchConfirmAsync(IReadOnlyList<long> ids, string? category, string? note, string actor)
    {
        if (ids.Count is 0 or > 500) throw new ValidationException("ids must list 1..500 items");
        if (category is null || !ReviewStore.Categories.Contains(category)) throw new ValidationException($"a batch confirmation needs a category: {string.Join(", ", ReviewStore.Categories)}");
        var items = await review.ByIdsAsync(ids.Distinct().ToList());
        var missing = ids.Except(items.Select(i => i.Id)).ToList();
        if (missing.Count > 0) throw new NotFoundException($"no such review items: {string.Join(", ", missing)}");
        if (items.Where(i => !i.VerifiedExact).Select(i => i.Id).ToList() is { Count: > 0 } notExact)
            throw new ValidationException($"batch decisions are only for exact hits on verified lists; not: {string.Join(", ", notExact)}");
        if (items.Where(i => !ReviewStatus.AwaitsReview(i.Status)).Select(i => i.Id).ToList() is { Count: > 0 } decided)
            throw new ConflictException($"already decided: {string.Join(", ", decided)}");
        if (items.FirstOrDefault(i => ClaimedByOther(i, actor)) is { } held) throw new ConflictException($"item {held.Id} is claimed by {held.ClaimedBy}");
        foreach (var item in items) await DecideAsync(item, new Decision("confirmed", category, null, Noted(note, "batch confirmation of verified exact hits, media not viewed"), false, false), actor);
        return items.Select(i => i.Id).ToList();
    }

    /// <summary>Claims the item for the caller (or, <paramref name="assignee"/> given, for that reviewer) for the configured time.</summary>
    public Task<ReviewItem> ClaimAsync(long id, Caller caller, string? assignee = null) =>
        review.ClaimAsync(id, assignee ?? caller.Actor, DateTimeOffset.UtcNow + options.ClaimLifetime, caller.Actor, force: caller.Has(Roles.Admin) && assignee is not null);

    public Task<ReviewItem> ReleaseAsync(long id, Caller caller) => review.ReleaseAsync(id, caller.Actor, force: caller.Has(Roles.Admin));

    public async Task PreserveAsync(long id, string actor)
    {
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!item.HasMedia) throw new GoneException("this item holds no media to preserve");
        await review.PreserveAsync(id, actor);
    }

    private static bool ClaimedByOther(ReviewItem i, string actor) => i.ClaimedBy is { } who && who != actor && i.ClaimedUntil > DateTimeOffset.UtcNow;

    private static string Noted(string? note, string why) => string.IsNullOrEmpty(note) ? why : note + " (" + why + ")";
}

/// <summary>A signed checkpoint of the audit log's head, now; a chain that does not extend the last checkpoint is a 409.</summary>
public sealed class CreateCheckpoint(AuditCheckpointer checkpoints)
{
    public async Task<AuditCheckpoint> RunAsync(CancellationToken ct)
    {
        try { return await checkpoints.CreateAsync(ct); }
        catch (AuditChainException ex) { throw new ConflictException(ex.Message, ex); }
    }
}

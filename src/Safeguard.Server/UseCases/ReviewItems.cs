using Safeguard.Server.Audit;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Media;
using Safeguard.Server.Review;

namespace Safeguard.Server.UseCases;

/// <summary>A reviewer's view of an item's media: blurred and greyscale, or clear within the daily exposure cap; every view is audited.</summary>
public sealed class ViewReviewMedia(ReviewStore review, AuditLog audit, ServerOptions options)
{
    public async Task<byte[]> RunAsync(long id, bool clear, Caller caller)
    {
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!item.HasMedia) throw new GoneException("this item holds no media (hash-only, or deleted after the decision)");
        if (clear && options.MaxClearViewsPerDay > 0
            && await audit.CountAsync(caller.Actor, "media.view.clear", DateTimeOffset.UtcNow.AddDays(-1)) >= options.MaxClearViewsPerDay)
            throw new LimitExceededException($"exposure cap reached: {options.MaxClearViewsPerDay} clear views in 24 hours; blurred views and decisions still work");
        var preview = await review.GetPreviewAsync(id) ?? throw (await review.GetMediaAsync(id) is null
            ? new GoneException("media no longer held") : new UnsupportedMediaException("the stored media cannot be rendered as an image"));
        var png = Preview.Render(preview, clear, caller.BlurStrength ?? options.DefaultBlurStrength)
            ?? throw new UnsupportedMediaException("the stored media cannot be rendered as an image");
        await audit.AppendAsync(caller.Actor, clear ? "media.view.clear" : "media.view.blurred", $"item:{id}", null);
        return png;
    }
}

/// <summary>Records a reviewer's decision on an item that still awaits one.</summary>
public sealed class DecideReviewItem(ReviewStore review)
{
    public async Task<ReviewItem> RunAsync(long id, Decision decision, string actor)
    {
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!ReviewStatus.AwaitsReview(item.Status)) throw new ConflictException($"item {id} was already decided ({item.Status})");
        return await review.DecideAsync(item, decision, actor);
    }

    public async Task PreserveAsync(long id, string actor)
    {
        var item = await review.GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!item.HasMedia) throw new GoneException("this item holds no media to preserve");
        await review.PreserveAsync(id, actor);
    }
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

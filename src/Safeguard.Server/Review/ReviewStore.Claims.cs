using Safeguard.Server.Data;
using Safeguard.Storage;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Review;

/// <summary>
/// Claims: one reviewer works an item at a time. A claim is one conditional UPDATE, so of many claims at
/// once exactly one changes the row (SQLite serialises writers; PostgreSQL re-checks the condition on the
/// row a concurrent claim changed) and the rest see no row changed: 409.
/// </summary>
public sealed partial class ReviewStore
{
    /// <summary>Claims the item for <paramref name="claimant"/> until <paramref name="until"/>; <paramref name="force"/> takes it from another reviewer (admins).</summary>
    public async Task<ReviewItem> ClaimAsync(long id, string claimant, DateTimeOffset until, string actor, bool force = false)
    {
        long now = Db.NowMillis();
        int changed = await db.ExecAsync(
            "UPDATE review_items SET claimed_by = @who, claimed_until = @until WHERE id = @id AND status IN ('pending', 'escalated')" +
            (force ? "" : " AND (claimed_by IS NULL OR claimed_by = @who OR claimed_until <= @now)"),
            ("@who", claimant), ("@until", until.ToUnixTimeMilliseconds()), ("@id", id), ("@now", now));
        if (changed == 0) throw new ConflictException(await WhyNotDecidableAsync(id, claimant));
        await audit.AppendAsync(actor, claimant == actor ? "review.claim" : "review.assign", $"item:{id}",
            $"claimant={claimant}; until={until:O}");
        return (await GetAsync(id))!;
    }

    /// <summary>Gives up a claim: one's own, or anyone's with <paramref name="force"/> (admins).</summary>
    public async Task<ReviewItem> ReleaseAsync(long id, string actor, bool force = false)
    {
        var item = await GetAsync(id) ?? throw new NotFoundException("no such review item");
        int changed = await db.ExecAsync(
            "UPDATE review_items SET claimed_by = NULL, claimed_until = NULL WHERE id = @id AND claimed_by IS NOT NULL" + (force ? "" : " AND claimed_by = @me"),
            ("@id", id), ("@me", actor));
        if (changed == 0 && item.ClaimedBy is { } other && other != actor && item.ClaimedUntil > DateTimeOffset.UtcNow)
            throw new ConflictException($"item {id} is claimed by {other}; only they or an admin can release it");
        if (changed > 0) await audit.AppendAsync(actor, "review.release", $"item:{id}", $"claimant={item.ClaimedBy}");
        return (await GetAsync(id))!;
    }

    /// <summary>Why a claim or decision on the item cannot go ahead for <paramref name="actor"/>.</summary>
    private async Task<string> WhyNotDecidableAsync(long id, string actor)
    {
        var item = await GetAsync(id) ?? throw new NotFoundException("no such review item");
        if (!ReviewStatus.AwaitsReview(item.Status)) return $"item {id} was already decided ({item.Status})";
        if (item.ClaimedBy is { } who && who != actor && item.ClaimedUntil > DateTimeOffset.UtcNow)
            return $"item {id} is claimed by {who} until {item.ClaimedUntil:O}";
        return $"item {id} changed meanwhile; try again";
    }
}

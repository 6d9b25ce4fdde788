using Safeguard.Storage;

namespace Safeguard.Server.Review;

/// <summary>A video item's keyframe strip, held beside its frame in <c>review_media</c> and deleted with it.</summary>
public sealed partial class ReviewStore
{
    public async Task SetKeyframesAsync(long id, byte[] strip) =>
        await db.ExecAsync("UPDATE review_media SET keyframes = @k WHERE item_id = @id", ("@k", strip), ("@id", id));

    public async Task<byte[]?> GetKeyframesAsync(long id)
    {
        var rows = await db.QueryAsync("SELECT keyframes FROM review_media WHERE item_id = @id AND keyframes IS NOT NULL", r => (byte[])r[0], ("@id", id));
        return rows.Count > 0 ? rows[0] : null;
    }

    private async Task<bool> KeyframesHeldAsync(long id) =>
        (await db.QueryAsync("SELECT 1 FROM review_media WHERE item_id = @id AND keyframes IS NOT NULL", r => 1, ("@id", id))).Count > 0;
}

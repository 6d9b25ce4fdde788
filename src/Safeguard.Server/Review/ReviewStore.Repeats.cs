using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Storage;

namespace Safeguard.Server.Review;

/// <summary>
/// Which open item a new one would repeat: an item of one of <paramref name="Kinds"/> holding
/// <paramref name="Value"/> in <paramref name="Column"/> that still awaits review.
/// </summary>
public sealed record OpenItemKey(string Column, string Value, IReadOnlyList<string> Kinds)
{
    /// <summary>Items made from a file (a lookup hit or a submission): the same bytes have the same SHA-256.</summary>
    public static OpenItemKey ForFile(string sha256) => new("sha256", sha256, ["media-hit", "submitted"]);

    /// <summary>Items made from a hash looked up on its own; null for a type review items do not hold (tmk).</summary>
    public static OpenItemKey? ForHash(string signalType, string value) =>
        signalType is "pdq" or "md5" or "sha1" or "sha256" ? new(signalType, value, ["hash-hit"]) : null;

    /// <summary>A lock key for this value, so two nodes checking the same value take turns.</summary>
    internal long LockKey => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"review-item\0{Column}\0{Value}")), 0);
}

/// <summary>The item an upload or lookup landed on, and whether it was already waiting for review.</summary>
public readonly record struct QueuedItem(long Id, bool Reused);

public sealed partial class ReviewStore
{
    /// <summary>
    /// Creates the item, or, when <paramref name="reuse"/> names an item that still awaits review, counts
    /// the repeat on that item (its <c>sightings</c>, and a <c>review.repeat</c> audit entry) instead.
    /// The check and the insert run in one write transaction under a lock on the value, so two
    /// concurrent uploads of one file, on one node or several, make one item.
    /// </summary>
    public async Task<QueuedItem> CreateOrReuseAsync(ReviewItem item, byte[]? media, string actor, OpenItemKey? reuse)
    {
        // A repeat needs no preview (a full decode): look first, then decide under the lock.
        bool likelyRepeat = false;
        if (reuse is not null)
            await using (var read = await db.OpenAsync())
                likelyRepeat = await FindOpenAsync(read, null, reuse) is not null;
        // Made outside the write transaction where possible: views render from it, never from the full media.
        bool previewMade = media is null || !likelyRepeat;
        var preview = media is null || likelyRepeat ? null : Media.Preview.Bounded(media);
        long id;
        await using (var conn = await db.OpenAsync())
        await using (var tx = await db.BeginWriteAsync(conn))
        {
            if (reuse is not null)
            {
                await db.LockAsync(conn, tx, reuse.LockKey);
                if (await FindOpenAsync(conn, tx, reuse) is { } open)
                {
                    await using (var count = Db.Command(conn, tx, "UPDATE review_items SET sightings = sightings + 1 WHERE id = @id", ("@id", open)))
                        await count.ExecuteNonQueryAsync();
                    await tx.CommitAsync();
                    await audit.AppendAsync(actor, "review.repeat", $"item:{open}",
                        $"kind={item.Kind}; file={item.FileName}; matches={string.Join(",", item.Matches.Select(x => $"{x.Bank}/{x.SignalType}"))}" +
                        (item.SubmissionNote is { } note ? $"; note={note}" : ""));
                    return new QueuedItem(open, true);
                }
            }
            if (!previewMade) preview = Media.Preview.Bounded(media!); // rare: the item was decided since the first look
            id = await InsertAsync(conn, tx, item, media, preview, actor);
            await tx.CommitAsync();
        }
        await audit.AppendAsync(actor, "review.create", $"item:{id}",
            $"kind={item.Kind}; matches={string.Join(",", item.Matches.Select(x => $"{x.Bank}/{x.SignalType}"))}; media={(media is null ? "none" : media.Length + " bytes")}");
        return new QueuedItem(id, false);
    }

    private static async Task<long?> FindOpenAsync(DbConnection conn, DbTransaction? tx, OpenItemKey key)
    {
        // The column is one of the fixed names OpenItemKey hands out, never caller text.
        var kinds = string.Join(", ", key.Kinds.Select((_, i) => $"@k{i}"));
        var args = key.Kinds.Select((k, i) => ($"@k{i}", (object?)k)).Append(("@v", key.Value)).ToArray();
        await using var cmd = Db.Command(conn, tx,
            $"SELECT id FROM review_items WHERE {key.Column} = @v AND kind IN ({kinds}) AND status IN ('pending', 'escalated') ORDER BY id LIMIT 1", args);
        return await cmd.ExecuteScalarAsync() is { } id and not DBNull ? Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static async Task<long> InsertAsync(DbConnection conn, DbTransaction tx, ReviewItem item, byte[]? media, byte[]? preview, string actor)
    {
        long id;
        await using (var cmd = Db.Command(conn, tx,
            "INSERT INTO review_items (kind, status, created_at, created_by, file_name, media_type, size, md5, sha1, sha256, pdq, pdq_quality, matches, verified_exact, conversation, has_media, media_note, submission_note, payments_subject, group_key, severity) " +
            "VALUES (@kind, @status, @at, @by, @fn, @mt, @size, @md5, @sha1, @sha256, @pdq, @q, @matches, @ve, @conv, @hm, @mn, @sn, @ps, @gk, @sev) RETURNING id",
            ("@kind", item.Kind), ("@status", ReviewStatus.Pending), ("@at", Db.NowMillis()), ("@by", actor), ("@fn", item.FileName), ("@mt", item.MediaType),
            ("@size", item.Size), ("@md5", item.Md5), ("@sha1", item.Sha1), ("@sha256", item.Sha256), ("@pdq", item.Pdq), ("@q", item.PdqQuality),
            ("@matches", JsonSerializer.Serialize(item.Matches, Json)), ("@ve", item.VerifiedExact ? 1 : 0),
            ("@conv", item.Conversation?.GetRawText()), ("@hm", media is null ? 0 : 1),
            ("@mn", media is null ? null : item.MediaNote), ("@sn", item.SubmissionNote), ("@ps", item.PaymentsSubject?.GetRawText()),
            ("@gk", Severity.GroupKey(item)), ("@sev", Severity.Of(item))))
            id = Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        if (media is not null)
            await using (var m = Db.Command(conn, tx, "INSERT INTO review_media (item_id, content, preview) VALUES (@id, @c, @p)", ("@id", id), ("@c", media), ("@p", preview)))
                await m.ExecuteNonQueryAsync();
        return id;
    }
}

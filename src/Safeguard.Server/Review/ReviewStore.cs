using System.Data.Common;
using System.Text.Json;
using Safeguard.Server.Audit;
using Safeguard.Server.Data;
using Safeguard.Signals;
using Safeguard.Storage;
using Safeguard.Server.Errors;
using Safeguard.Server.Matching;

namespace Safeguard.Server.Review;

public static class ReviewStatus
{
    public const string Pending = "pending";
    public const string Escalated = "escalated";
    public const string Confirmed = "confirmed";
    public const string FalsePositive = "false_positive";
    public static bool AwaitsReview(string s) => s is Pending or Escalated;
}

public sealed record ReviewItem
{
    public long Id { get; init; }
    public required string Kind { get; init; }
    public string Status { get; init; } = ReviewStatus.Pending;
    public DateTimeOffset CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
    public string? FileName { get; init; }
    public string? MediaType { get; init; }
    public long? Size { get; init; }
    public string? Md5 { get; init; }
    public string? Sha1 { get; init; }
    public string? Sha256 { get; init; }
    public string? Pdq { get; init; }
    public int? PdqQuality { get; init; }
    public IReadOnlyList<ItemMatch> Matches { get; init; } = [];
    /// <summary>An exact hit on a verified bank: may be confirmed without anyone viewing the media.</summary>
    public bool VerifiedExact { get; init; }
    /// <summary>For conversation alerts: the alert with its evidence messages only.</summary>
    public JsonElement? Conversation { get; init; }
    public string? Decision { get; init; }
    public string? Category { get; init; }
    public string? IndustryClassification { get; init; }
    public string? Note { get; init; }
    public string? DecidedBy { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public bool Preserved { get; init; }
    public bool HasMedia { get; init; }
    /// <summary>Set when the held media is not the file itself, e.g. "frame of the video at 8.000 s".</summary>
    public string? MediaNote { get; init; }
    /// <summary>A video item's keyframe strip is held: <c>GET /v1/review/items/{id}/keyframes</c> shows it blurred.</summary>
    public bool HasKeyframes { get; init; }
    /// <summary>The note sent with <c>/v1/review/submit</c>; <see cref="Note"/> is the decision's.</summary>
    public string? SubmissionNote { get; init; }
    /// <summary>For payments-subject items: the subject with its timeline and network, as <c>GET /v1/payments/subjects/{id}</c> gives it.</summary>
    public JsonElement? PaymentsSubject { get; init; }
    /// <summary>How often this file or hash came in while the item awaited review (repeats reuse the item).</summary>
    public int Sightings { get; init; } = 1;
    /// <summary>See <see cref="Review.Severity"/>: the queue's <c>sort=severity</c> order.</summary>
    public int Severity { get; init; }
    /// <summary>The reviewer working the item (a claim) and until when; an expired claim is no claim.</summary>
    public string? ClaimedBy { get; init; }
    public DateTimeOffset? ClaimedUntil { get; init; }
    /// <summary>The exact hash duplicates share (see <see cref="Review.Severity.GroupKey"/>).</summary>
    public string? GroupKey { get; init; }
    /// <summary>In a grouped listing (<c>group=true</c>): how many awaiting items the row stands for, and their ids.</summary>
    public int? GroupCount { get; init; }
    public IReadOnlyList<long>? GroupIds { get; init; }
}

public sealed record Decision(string Outcome, string? Category, string? IndustryClassification, string? Note, bool Preserve, bool Suppress);

/// <summary>Review items and the media they hold while they await review.</summary>
public sealed partial class ReviewStore(ServerDb db, AuditLog audit, Suppressions suppressions)
{
    /// <summary>VICS categories and UK grades a confirmation may carry.</summary>
    public static readonly string[] Categories = ["UK-A", "UK-B", "UK-C", "VICS-0", "VICS-1", "VICS-2", "VICS-3", "VICS-4"];
    public static readonly string[] IndustryClasses = ["A1", "A2", "B1", "B2"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private const string Columns = "id, kind, status, created_at, created_by, file_name, media_type, size, md5, sha1, sha256, pdq, pdq_quality, matches, " +
        "verified_exact, conversation, decision, category, industry_class, note, decided_by, decided_at, preserved, has_media, media_note, submission_note, payments_subject, sightings, " +
        "claimed_by, claimed_until, group_key, severity";

    public async Task<long> CreateAsync(ReviewItem item, byte[]? media, string actor) => (await CreateOrReuseAsync(item, media, actor, reuse: null)).Id;

    public async Task<ReviewItem?> GetAsync(long id)
    {
        var item = (await db.QueryAsync($"SELECT {Columns} FROM review_items WHERE id = @id", Map, ("@id", id))).FirstOrDefault();
        return item is { HasMedia: true } ? item with { HasKeyframes = await KeyframesHeldAsync(id) } : item;
    }

    public Task<List<ReviewItem>> ListAsync(string? status, long afterId, int limit) => db.QueryAsync(
        $"SELECT {Columns} FROM review_items WHERE {(status is null ? "" : "status = @status AND ")}id > @after ORDER BY id LIMIT @limit",
        Map, ("@status", status), ("@after", afterId), ("@limit", Math.Clamp(limit, 1, 500)));

    public Task<List<ReviewItem>> ByIdsAsync(IReadOnlyList<long> ids) => ids.Count == 0
        ? db.QueryAsync($"SELECT {Columns} FROM review_items WHERE status = @s ORDER BY id", Map, ("@s", ReviewStatus.Confirmed))
        : db.QueryAsync($"SELECT {Columns} FROM review_items WHERE id IN ({string.Join(",", ids.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))}) ORDER BY id", Map);

    public async Task<byte[]?> GetMediaAsync(long id)
    {
        await using var conn = await db.OpenAsync();
        await using var cmd = Db.Command(conn, null, "SELECT content FROM review_media WHERE item_id = @id", ("@id", id));
        return await cmd.ExecuteScalarAsync() as byte[];
    }

    /// <summary>
    /// The bounded preview views render from (see <see cref="Media.Preview"/>); media held from before
    /// previews were stored gets one now. Null when no media is held or it cannot be rendered.
    /// </summary>
    public async Task<byte[]?> GetPreviewAsync(long id)
    {
        var rows = await db.QueryAsync("SELECT preview, content FROM review_media WHERE item_id = @id",
            r => (Preview: r.IsDBNull(0) ? null : (byte[])r[0], Content: (byte[])r[1]), ("@id", id));
        if (rows.Count == 0) return null;
        if (rows[0].Preview is { } stored) return stored;
        var made = Media.Preview.Bounded(rows[0].Content);
        if (made is not null) await db.ExecAsync("UPDATE review_media SET preview = @p WHERE item_id = @id", ("@p", made), ("@id", id));
        return made;
    }

    /// <summary>Records a decision; media is deleted unless preserved or the item is escalated.</summary>
    public async Task<ReviewItem> DecideAsync(ReviewItem item, Decision d, string actor)
    {
        string status = d.Outcome switch
        {
            "confirmed" => ReviewStatus.Confirmed,
            "false_positive" => ReviewStatus.FalsePositive,
            "escalate" => ReviewStatus.Escalated,
            _ => throw new ArgumentException("decision must be confirmed, false_positive or escalate"),
        };
        // A payments subject is not media: it is confirmed without a media category.
        if (status == ReviewStatus.Confirmed && item.Kind != "payments-subject" && (d.Category is null || !Categories.Contains(d.Category)))
            throw new ArgumentException($"a confirmation needs a category: {string.Join(", ", Categories)}");
        if (d.Category is not null && !Categories.Contains(d.Category))
            throw new ArgumentException($"unknown category; use one of {string.Join(", ", Categories)}");
        if (d.IndustryClassification is not null && !IndustryClasses.Contains(d.IndustryClassification))
            throw new ArgumentException($"industry classification must be one of {string.Join(", ", IndustryClasses)}");
        if (d.Note is { Length: > 4000 }) throw new ArgumentException("note is longer than 4000 characters");
        if (!ReviewStatus.AwaitsReview(item.Status)) throw new ConflictException($"item {item.Id} was already decided ({item.Status})");
        bool preserve = d.Preserve || item.Preserved;
        bool dropMedia = item.HasMedia && !preserve && status != ReviewStatus.Escalated;

        await using (var conn = await db.OpenAsync())
        await using (var tx = await db.BeginWriteAsync(conn))
        {
            await using (var cmd = Db.Command(conn, tx,
                "UPDATE review_items SET status = @s, decision = @d, category = @c, industry_class = @ic, note = @n, decided_by = @by, decided_at = @at, " +
                "preserved = @p, has_media = @hm, claimed_by = NULL, claimed_until = NULL WHERE id = @id AND status IN ('pending', 'escalated') " +
                "AND (claimed_by IS NULL OR claimed_by = @by OR claimed_until <= @now)",
                ("@s", status), ("@d", d.Outcome), ("@c", d.Category), ("@ic", d.IndustryClassification), ("@n", d.Note), ("@by", actor),
                ("@at", Db.NowMillis()), ("@now", Db.NowMillis()), ("@p", preserve ? 1 : 0), ("@hm", item.HasMedia && !dropMedia ? 1 : 0), ("@id", item.Id)))
                if (await cmd.ExecuteNonQueryAsync() == 0) throw new ConflictException(await WhyNotDecidableAsync(item.Id, actor));
            if (dropMedia)
                await using (var del = Db.Command(conn, tx, "DELETE FROM review_media WHERE item_id = @id", ("@id", item.Id)))
                    await del.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        await audit.AppendAsync(actor, "review.decide", $"item:{item.Id}",
            $"decision={d.Outcome}; category={d.Category}; industry={d.IndustryClassification}; note={d.Note}");
        if (preserve && !item.Preserved) await audit.AppendAsync(actor, "media.preserve", $"item:{item.Id}", null);
        if (dropMedia) await audit.AppendAsync(actor, "media.delete", $"item:{item.Id}", "decided; not preserved");
        if (status == ReviewStatus.FalsePositive && d.Suppress)
            foreach (var m in item.Matches)
                await suppressions.AddAsync(m.Bank, m.SignalType, m.QueryValue, item.Id, actor);
        return (await GetAsync(item.Id))!;
    }

    /// <summary>Keeps an item's media as evidence after the decision.</summary>
    public async Task<bool> PreserveAsync(long id, string actor)
    {
        int n = await db.ExecAsync("UPDATE review_items SET preserved = 1 WHERE id = @id AND preserved = 0 AND has_media = 1", ("@id", id));
        if (n > 0) await audit.AppendAsync(actor, "media.preserve", $"item:{id}", null);
        return n > 0;
    }

    private static ReviewItem Map(DbDataReader r) => new()
    {
        Id = r.GetInt64(0), Kind = r.GetString(1), Status = r.GetString(2), CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
        CreatedBy = r.GetStringOrNull(4), FileName = r.GetStringOrNull(5), MediaType = r.GetStringOrNull(6), Size = r.GetLongOrNull(7), Md5 = r.GetStringOrNull(8), Sha1 = r.GetStringOrNull(9), Sha256 = r.GetStringOrNull(10),
        Pdq = r.GetStringOrNull(11), PdqQuality = (int?)r.GetLongOrNull(12),
        Matches = r.GetStringOrNull(13) is { } m ? JsonSerializer.Deserialize<List<ItemMatch>>(m, Json) ?? [] : [],
        VerifiedExact = r.GetLongOrNull(14) == 1, Conversation = r.GetStringOrNull(15) is { } c ? JsonDocument.Parse(c).RootElement.Clone() : null,
        Decision = r.GetStringOrNull(16), Category = r.GetStringOrNull(17), IndustryClassification = r.GetStringOrNull(18), Note = r.GetStringOrNull(19), DecidedBy = r.GetStringOrNull(20),
        DecidedAt = r.GetLongOrNull(21) is { } t ? DateTimeOffset.FromUnixTimeMilliseconds(t) : null, Preserved = r.GetLongOrNull(22) == 1, HasMedia = r.GetLongOrNull(23) == 1,
        MediaNote = r.GetStringOrNull(24), SubmissionNote = r.GetStringOrNull(25),
        PaymentsSubject = r.GetStringOrNull(26) is { } ps ? JsonDocument.Parse(ps).RootElement.Clone() : null,
        Sightings = (int)(r.GetLongOrNull(27) ?? 1),
        ClaimedBy = r.GetStringOrNull(28), ClaimedUntil = r.GetLongOrNull(29) is { } cu ? DateTimeOffset.FromUnixTimeMilliseconds(cu) : null,
        GroupKey = r.GetStringOrNull(30), Severity = (int)(r.GetLongOrNull(31) ?? 0),
    };
}

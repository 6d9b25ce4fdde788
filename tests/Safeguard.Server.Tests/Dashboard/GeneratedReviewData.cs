using System.Globalization;
using System.Text.Json;

namespace Safeguard.Server.Tests.Dashboard;

/// <summary>A review item as a test writes it straight into the table (generated data, no media).</summary>
public sealed record GeneratedItem(string Kind, string Status, long CreatedAt, string[] Banks, string? Decision, string? Category, long? DecidedAt);

/// <summary>A media view as a test writes it into the audit log.</summary>
public sealed record GeneratedView(string Actor, bool Clear, long At);

/// <summary>
/// Random review items and media views around a range of days, written with plain SQL so the tests
/// choose every timestamp; the expected statistics are then counted from these lists, not by the server.
/// </summary>
public static class GeneratedReviewData
{
    public static readonly string[] Kinds = ["hash-hit", "media-hit", "submission", "conversation"];
    public static readonly string[] BankNames = ["alpha", "beta", "=sum(1,2)"];
    public static readonly string[] Categories = ["UK-A", "UK-B", "UK-C", "VICS-1"];
    public static readonly string[] Reviewers = ["key:7:rita", "key:8:sam", "key:9:=cmd"];
    public const long Day = 86_400_000;

    public static long Millis(string day) =>
        DateTimeOffset.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();

    public static List<GeneratedItem> Items(Random rng, long firstDay, int days, int count)
    {
        var list = new List<GeneratedItem>();
        for (int i = 0; i < count; i++)
        {
            long created = firstDay + (long)(rng.NextDouble() * days * Day);
            var banks = Enumerable.Range(0, rng.Next(0, 4)).Select(_ => BankNames[rng.Next(BankNames.Length)]).ToArray(); // repeats on purpose
            string status = rng.Next(4) switch { 0 => "pending", 1 => "escalated", 2 => "confirmed", _ => "false_positive" };
            string? decision = status switch { "escalated" => "escalate", "confirmed" => "confirmed", "false_positive" => "false_positive", _ => null };
            long? decided = decision is null ? null : created + rng.Next(1_000, (int)(3 * Day));
            list.Add(new(Kinds[rng.Next(Kinds.Length)], status, created, banks, decision,
                status == "confirmed" ? Categories[rng.Next(Categories.Length)] : null, decided));
        }
        return list;
    }

    public static List<GeneratedView> Views(Random rng, long firstDay, int days, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => new GeneratedView(Reviewers[rng.Next(Reviewers.Length)], rng.Next(3) == 0,
            firstDay + (long)(rng.NextDouble() * days * Day)))];

    public static async Task WriteAsync(Data.ServerDb db, IEnumerable<GeneratedItem> items, IEnumerable<GeneratedView> views)
    {
        foreach (var i in items)
        {
            var matches = JsonSerializer.Serialize(i.Banks.Select(b => new { bank = b, signal_type = "md5", query_value = "x", entry_value = "x", distance = 0, verified = false }));
            await db.ExecAsync("INSERT INTO review_items (kind, status, created_at, created_by, matches, decision, category, decided_by, decided_at) " +
                "VALUES (@k, @s, @c, 'test', @m, @d, @cat, @by, @at)",
                ("@k", i.Kind), ("@s", i.Status), ("@c", i.CreatedAt), ("@m", matches), ("@d", i.Decision), ("@cat", i.Category),
                ("@by", i.Decision is null ? null : "key:7:rita"), ("@at", i.DecidedAt));
        }
        // Far above the server's own entries; the chain is not what these tests look at.
        long seq = 1_000_000;
        foreach (var v in views)
            await db.ExecAsync("INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (@s, @at, @a, @act, 'item:1', NULL, '', '')",
                ("@s", seq++), ("@at", v.At), ("@a", v.Actor), ("@act", v.Clear ? "media.view.clear" : "media.view.blurred"));
    }
}

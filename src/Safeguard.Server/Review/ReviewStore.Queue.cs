using System.Text.Json;
using Safeguard.Server.Data;
using Safeguard.Storage;

namespace Safeguard.Server.Review;

/// <summary>The queue: filtered, ordered and paged in the database; duplicates of one exact hash folded into one row.</summary>
public sealed partial class ReviewStore
{
    /// <summary>One page of items (or of duplicate groups, each shown as its first item with the group's count and ids).</summary>
    public async Task<List<ReviewItem>> QueryAsync(ReviewQuery q, string me)
    {
        var (where, args) = Filter(q, me);
        int limit = Math.Clamp(q.Limit, 1, 500);
        args.Add(("@limit", limit));
        args.Add(("@offset", q.Offset));
        if (!q.Group)
        {
            var order = q.Sort switch
            {
                "severity" => "severity DESC, id", "oldest" => "created_at, id", "newest" => "created_at DESC, id DESC", _ => "id",
            };
            if (q.Sort == "id") { where += " AND id > @after"; args.Add(("@after", q.After)); }
            return await db.QueryAsync($"SELECT {Columns} FROM review_items WHERE {where} ORDER BY {order} LIMIT @limit OFFSET @offset", Map, [.. args]);
        }

        const string Key = "COALESCE(group_key, 'item:' || CAST(id AS TEXT))";
        var groupOrder = q.Sort switch
        {
            "severity" => "MAX(severity) DESC, MIN(id)", "oldest" => "MIN(created_at), MIN(id)", "newest" => "MAX(created_at) DESC, MIN(id) DESC", _ => "MIN(id)",
        };
        var groups = await db.QueryAsync(
            $"SELECT {Key}, MIN(id), COUNT(*) FROM review_items WHERE {where} GROUP BY {Key} ORDER BY {groupOrder} LIMIT @limit OFFSET @offset",
            r => (Key: r.GetString(0), First: r.GetInt64(1)), [.. args]);
        if (groups.Count == 0) return [];
        // Every member of the page's groups, under the same filter, so a group decision covers what the row counted.
        var keyArgs = groups.Select((g, i) => ($"@g{i}", (object?)g.Key)).ToList();
        var members = await db.QueryAsync(
            $"SELECT {Key}, id FROM review_items WHERE {where} AND {Key} IN ({string.Join(", ", keyArgs.Select(a => a.Item1))}) ORDER BY id",
            r => (Key: r.GetString(0), Id: r.GetInt64(1)), [.. args, .. keyArgs]);
        var byKey = members.GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.Select(m => m.Id).ToList());
        var firsts = (await ByIdsAsync(groups.Select(g => g.First).ToList())).ToDictionary(i => i.Id);
        return groups.Where(g => firsts.ContainsKey(g.First)).Select(g => firsts[g.First] with
        {
            GroupCount = byKey.GetValueOrDefault(g.Key)?.Count ?? 1, GroupIds = byKey.GetValueOrDefault(g.Key) ?? [g.First],
        }).ToList();
    }

    /// <summary>Items awaiting review that share the item's duplicate group (the item itself included).</summary>
    public Task<List<ReviewItem>> OpenGroupAsync(ReviewItem item) => item.GroupKey is null
        ? Task.FromResult(new List<ReviewItem> { item })
        : db.QueryAsync($"SELECT {Columns} FROM review_items WHERE group_key = @g AND status IN ('pending', 'escalated') ORDER BY id", Map, ("@g", item.GroupKey));

    private static (string Where, List<(string, object?)> Args) Filter(ReviewQuery q, string me)
    {
        var where = new List<string> { "1 = 1" };
        var args = new List<(string, object?)>();
        void Add(string clause, params (string, object?)[] a) { where.Add(clause); args.AddRange(a); }
        if (q.Status == "open") Add("status IN ('pending', 'escalated')");
        else if (q.Status is { } s) Add("status = @status", ("@status", s));
        if (q.Kind is { } k) Add("kind = @kind", ("@kind", k));
        // Matches are stored as JSON text ("bank":"NAME"); the name is matched as that exact JSON string.
        if (q.Bank is { } b) Add("matches LIKE @bank", ("@bank", "%\"bank\":" + JsonSerializer.Serialize(b) + "%"));
        if (q.Category is { } c)
        {
            var vics = c.StartsWith("VICS-", StringComparison.Ordinal) ? c[5..] : null;
            Add("(category = @cat OR matches LIKE @grade OR matches LIKE @vics)", ("@cat", c),
                ("@grade", "%\"grade\":" + JsonSerializer.Serialize(c) + "%"), ("@vics", vics is null ? "-" : "%\"category\":" + vics + ",%"));
        }
        if (q.Source is { } src) Add("(created_by = @src OR created_by LIKE @srcname)", ("@src", src), ("@srcname", "key:%:" + src));
        if (q.CreatedBefore is { } before) Add("created_at < @before", ("@before", before.ToUnixTimeMilliseconds()));
        if (q.CreatedAfter is { } after) Add("created_at > @createdafter", ("@createdafter", after.ToUnixTimeMilliseconds()));
        long now = Db.NowMillis();
        switch (q.Assignee)
        {
            case "me": Add("claimed_by = @me AND claimed_until > @now", ("@me", me), ("@now", now)); break;
            case "unassigned": Add("(claimed_by IS NULL OR claimed_until <= @now)", ("@now", now)); break;
            case "someone": Add("claimed_by IS NOT NULL AND claimed_by <> @me AND claimed_until > @now", ("@me", me), ("@now", now)); break;
        }
        return (string.Join(" AND ", where), args);
    }
}

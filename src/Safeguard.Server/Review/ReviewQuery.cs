using System.Globalization;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Review;

/// <summary>The queue's filters, order and page, as <c>GET /v1/review/items</c> takes them.</summary>
public sealed record ReviewQuery
{
    public static readonly string[] Sorts = ["id", "severity", "oldest", "newest"];
    public static readonly string[] Assignees = ["me", "unassigned", "someone"];

    public string? Status { get; init; }
    public string? Kind { get; init; }
    public string? Bank { get; init; }
    /// <summary>A matched entry's VICS category or grade (VICS-0..4, UK-A..C), or the decision's category.</summary>
    public string? Category { get; init; }
    /// <summary>Who created the item: the key's name or its full actor (<c>key:ID:NAME</c>).</summary>
    public string? Source { get; init; }
    public DateTimeOffset? CreatedBefore { get; init; }
    public DateTimeOffset? CreatedAfter { get; init; }
    public string? Assignee { get; init; }
    public string Sort { get; init; } = "id";
    public bool Group { get; init; }
    public long After { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 50;

    /// <summary>An age such as <c>90s</c>, <c>15m</c>, <c>2h</c> or <c>7d</c> (a bare number is seconds).</summary>
    public static TimeSpan ParseAge(string value, string name)
    {
        var v = value.Trim();
        var unit = v.Length > 0 && char.IsLetter(v[^1]) ? char.ToLowerInvariant(v[^1]) : 's';
        var digits = char.IsLetter(v.Length > 0 ? v[^1] : '0') ? v[..^1] : v;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 3650L * 86400)
            throw new ValidationException($"{name} must be an age such as 90s, 15m, 2h or 7d");
        return unit switch
        {
            's' => TimeSpan.FromSeconds(n), 'm' => TimeSpan.FromMinutes(n), 'h' => TimeSpan.FromHours(n), 'd' => TimeSpan.FromDays(n),
            _ => throw new ValidationException($"{name} must be an age such as 90s, 15m, 2h or 7d"),
        };
    }

    public void Validate()
    {
        if (Status is not (null or "pending" or "escalated" or "confirmed" or "false_positive" or "open"))
            throw new ValidationException("status must be pending, escalated, confirmed, false_positive or open (pending and escalated)");
        if (!Sorts.Contains(Sort)) throw new ValidationException($"sort must be one of {string.Join(", ", Sorts)}");
        if (Assignee is not null && !Assignees.Contains(Assignee)) throw new ValidationException($"assignee must be one of {string.Join(", ", Assignees)}");
        if (Offset < 0) throw new ValidationException("offset must be 0 or more");
    }
}

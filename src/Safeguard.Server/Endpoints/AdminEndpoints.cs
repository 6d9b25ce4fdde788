using System.Text;
using Safeguard.Server.Api;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Statistics;

namespace Safeguard.Server.Endpoints;

/// <summary>The operator dashboard's own routes: statistics (JSON and CSV) and the audit log searched newest first.</summary>
public static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/stats", async (string? from, string? to, StatsQuery stats) =>
                Results.Json(await stats.RunAsync(Range(from, to)), ApiJson.Options))
            .Roles(Roles.Admin).WithName("Stats").Answers<StatsReport>()
            .WithSummary("Review statistics for UTC days from..to (default the last 30): items and decisions per day, matched banks, categories, time to decision, exposure per reviewer");
        app.MapGet("/v1/stats.csv", async (string? from, string? to, StatsQuery stats, HttpContext ctx) =>
            {
                var range = Range(from, to);
                ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"safeguard-stats-{range.From:yyyy-MM-dd}-{range.To:yyyy-MM-dd}.csv\"";
                return Results.Text(StatsCsv.Write(await stats.RunAsync(range)), "text/csv", Encoding.UTF8);
            })
            .Roles(Roles.Admin).WithName("StatsCsv").Produces<string>(200, "text/csv").Problems()
            .WithSummary("The same statistics as CSV, one number a row: metric,day,name,value");

        app.MapGet("/v1/admin/alerts", async (bool? all, int? limit, Flood.AdminAlerts alerts) =>
                Results.Json(new { alerts = await alerts.ListAsync(all ?? false, Http.Limit(limit, 100, 1000)) }, ApiJson.Options))
            .Roles(Roles.Admin).WithName("AdminAlerts").WithSummary("Open alerts for administrators (flood quarantines), newest first; all=true includes acknowledged ones")
            .Answers<Dictionary<string, List<Flood.AdminAlert>>>();
        app.MapPost("/v1/admin/alerts/{id:long}/ack", async (long id, HttpContext ctx, Flood.AdminAlerts alerts) =>
                await alerts.AckAsync(id, ctx.Caller().Actor) ? Results.Json(new { acknowledged = id }) : throw new NotFoundException($"no open alert {id}"))
            .Roles(Roles.Admin).WithName("AckAdminAlert").WithSummary("Acknowledge an alert").Problems();
        app.MapGet("/v1/admin/audit", async (string? action, string? actor, string? target, string? from, string? to, long? before, int? limit, AuditSearch search) =>
            {
                // Either end alone is fine: the range parser needs both, so an open end stands in as the widest day.
                var f = new AuditFilter(Blank(action), Blank(actor), Blank(target),
                    from is null ? null : StatsRange.Parse(from, from, DateOnly.MaxValue).FromMillis,
                    to is null ? null : StatsRange.Parse(to, to, DateOnly.MaxValue).ToMillisExclusive);
                var (entries, next) = await search.RunAsync(f, before, Http.Limit(limit, 50, 1000));
                return Results.Json(new { entries, next_before = next }, ApiJson.Options);
            })
            .Roles(Roles.Admin).WithName("SearchAudit").Problems()
            .WithSummary("Audit entries newest first, filtered by action, actor (whole or key name), target and UTC days from..to; page with before=next_before");
    }

    private static StatsRange Range(string? from, string? to) => StatsRange.Parse(from, to, DateOnly.FromDateTime(DateTime.UtcNow));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Safeguard.Server.Tests;

/// <summary>The route table in docs/service.md is the server's: every route, its method and the roles it enforces.</summary>
public sealed partial class DocumentedRolesTests
{
    private const string Heading = "### Every route and the roles it needs";

    [GeneratedRegex(@"^\| `(?<method>GET|POST|PUT|PATCH|DELETE) (?<path>/\S*)` \| (?<roles>[^|]+?) \|$")]
    private static partial Regex Row();

    [GeneratedRegex(@":\w+\}")]
    private static partial Regex Constraint();

    [Fact]
    public async Task The_route_table_in_service_md_lists_every_mapped_route_with_the_roles_it_enforces()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false });
        var mapped = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in h.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
            foreach (var method in e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
                mapped[$"{method} {Constraint().Replace(e.RoutePattern.RawText!, "}")}"] = RolesOf(e);

        var documented = DocumentedTable();
        var table = new StringBuilder();
        foreach (var (route, roles) in mapped) table.Append("| `").Append(route).Append("` | ").Append(roles).Append(" |\n");
        Assert.True(mapped.Count == documented.Count && mapped.All(kv => documented.TryGetValue(kv.Key, out var r) && r == kv.Value),
            $"docs/service.md, \"{Heading}\", differs from the server; the server's table:\n{table}");
    }

    /// <summary>As the table writes roles: "none" (no key), "any key", "admin", or the roles besides admin (admin may call every route).</summary>
    private static string RolesOf(Endpoint e)
    {
        if (e.Metadata.GetMetadata<Auth.Anonymous>() is not null) return "none";
        var roles = e.Metadata.GetMetadata<Auth.RequireRoles>()?.Roles ?? [Auth.Roles.Admin];
        if (roles.Length == Auth.Roles.All.Length) return "any key";
        var others = roles.Where(r => r != Auth.Roles.Admin).Order(StringComparer.Ordinal).ToList();
        return others.Count == 0 ? "admin" : string.Join(", ", others);
    }

    private static Dictionary<string, string> DocumentedTable()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "service.md"));
        int start = Array.IndexOf(lines, Heading);
        Assert.True(start >= 0, $"docs/service.md has no \"{Heading}\" section");
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
            if (Row().Match(line) is { Success: true } m)
                Assert.True(rows.TryAdd($"{m.Groups["method"].Value} {m.Groups["path"].Value}", m.Groups["roles"].Value), $"listed twice: {line}");
        return rows;
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Safeguard.Exchanges;

namespace Safeguard.Exchanges.Tests.Upstreams;

public sealed record TatEntry(int Id, string HashDigest, string Algorithm, string Ideology, string FileType, bool Deleted, double UpdatedOn);

/// <summary>
/// Tech Against Terrorism's hash list as the public client uses it: POST /token-auth/tcap/ with
/// username, password and resend (form) for {"token"}, then GET /api/hash-list/v2/all?order=asc&amp;after=
/// with a bearer token, answering count, next, previous, checkpoint ("updated_on,id" of the page's
/// last entry) and results. A wrong password is HTTP 400, a bad token 401.
/// </summary>
public sealed class TatServer : UpstreamServer
{
    public const string User = "tat-tester";
    public const string Password = "tat-pw-81c2f0";
    public const string IssuedToken = "eyJ0ZXN0IjoidG9rZW4ifQ.sig";

    private static readonly string[] LoginError = ["Unable to log in with provided credentials."];

    public List<TatEntry> Entries { get; } = [];
    public int PageSize { get; set; } = 3;
    public int SignIns { get; private set; }

    public override string TypeName => "tat";
    protected override string MediaType => "application/json";
    protected override string TruncatedBody => "{\"count\": 10, \"next\": null, \"results\": [{\"hash_digest\": \"12";
    public override IReadOnlyList<string> Secrets => [Password, IssuedToken];

    public override ExchangeSettings Settings() => new([new("username", User), new("password", Password), new("base_url", BaseUri.AbsoluteUri)]);
    public override ExchangeSettings WrongSecretSettings() => new([new("username", User), new("password", "wrong-password"), new("base_url", BaseUri.AbsoluteUri)]);

    protected override bool MisbehavesOn(HttpRequest request) => !request.Path.StartsWithSegments("/token-auth");

    /// <summary>PDQ of images, MD5 of videos and of images, and an algorithm Safeguard lacks; some deleted.</summary>
    public static TatServer WithGeneratedEntries(int count, int seed = 16)
    {
        var random = new Random(seed);
        var server = new TatServer();
        for (var i = 0; i < count; i++)
        {
            var (algorithm, fileType) = (i % 4) switch { 0 => ("PDQ", "jpg"), 1 => ("MD5", "mp4"), 2 => ("MD5", "png"), _ => ("TMK_OTHER", "mp4") };
            var digest = algorithm == "PDQ" ? NcmecServer.Hex(random, 32) : NcmecServer.Hex(random, 16);
            server.Entries.Add(new TatEntry(10_000 + i, digest, algorithm, i % 2 == 0 ? "islamist" : "far-right", fileType, i % 5 == 3, 1_704_901_040.25 + i * 1.5));
        }
        return server;
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/token-auth/tcap/", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["username"] != User || form["password"] != Password)
                return Results.Json(new { non_field_errors = LoginError }, statusCode: 400);
            SignIns++;
            return Results.Json(new { token = IssuedToken, user = new { username = User } });
        });
        app.MapGet("/api/hash-list/v2/all", (HttpRequest request) =>
        {
            if (request.Headers.Authorization != $"Bearer {IssuedToken}")
                return Results.Json(new { detail = "Authentication credentials were not provided." }, statusCode: 401);
            if (request.Query["order"] != "asc") return Results.BadRequest(new { error = "order must be asc" });
            var after = request.Query["after"].ToString();
            var ordered = Entries.OrderBy(e => e.UpdatedOn).ThenBy(e => e.Id).ToList();
            var rest = after.Length == 0 || Misbehave == Misbehaviour.SamePageForever ? ordered : ordered.Where(e => IsAfter(e, after)).ToList();
            var page = rest.Take(PageSize).ToList();
            var more = rest.Count > page.Count;
            return Results.Json(new Dictionary<string, object?>
            {
                ["count"] = rest.Count,
                ["next"] = more ? $"{BaseUri.AbsoluteUri.TrimEnd('/')}/api/hash-list/v2/all?limit={PageSize}&offset={PageSize}" : null,
                ["previous"] = null,
                ["checkpoint"] = page.Count > 0 ? Checkpoint(page[^1]) : after,
                ["results"] = page.Select(e => new Dictionary<string, object?>
                {
                    ["hash_digest"] = e.HashDigest, ["algorithm"] = e.Algorithm, ["ideology"] = e.Ideology, ["file_type"] = e.FileType,
                    ["deleted"] = e.Deleted, ["updated_on"] = e.UpdatedOn, ["created_on"] = "2025-03-03T23:05:22.587000Z", ["id"] = e.Id,
                }).ToList(),
            });
        });
    }

    public static string Checkpoint(TatEntry e) => $"{e.UpdatedOn.ToString("R", CultureInfo.InvariantCulture)},{e.Id}";

    private static bool IsAfter(TatEntry e, string checkpoint)
    {
        var parts = checkpoint.Split(',');
        var time = double.Parse(parts[0], CultureInfo.InvariantCulture);
        var id = int.Parse(parts[1], CultureInfo.InvariantCulture);
        return e.UpdatedOn > time || (e.UpdatedOn == time && e.Id > id);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using static Safeguard.Server.Tests.ServerHarness;

namespace Safeguard.Server.Tests;

/// <summary>Every error status a client can get from the service is RFC 9457 problem details with the documented fields.</summary>
public sealed class ProblemShapeTests
{
    [Fact]
    public async Task Every_error_status_answers_problem_details_with_type_title_status_detail_and_error()
    {
        await using var h = await ServerHarness.StartAsync(TestDb.Sqlite(), o => o with { Demo = false, MaxMediaBytes = 4096 });
        using var anonymous = NewClient(h.BaseUrl, null);
        using var wrongKey = NewClient(h.BaseUrl, "sg_" + new string('x', 43));
        var reviewer = await h.ClientAsync("reviewer");
        var matcher = await h.ClientAsync("matcher");
        var (slow, _) = await h.KeyAsync("slow", 1, "matcher");

        var answers = new List<(string What, HttpStatusCode Expected, HttpResponseMessage Response)>
        {
            ("no key", HttpStatusCode.Unauthorized, await anonymous.GetAsync("/v1/banks")),
            ("wrong key", HttpStatusCode.Unauthorized, await wrongKey.GetAsync("/v1/banks")),
            ("role missing", HttpStatusCode.Forbidden, await reviewer.PostAsJsonAsync("/v1/banks", new { name = "x" })),
            ("unknown route", HttpStatusCode.NotFound, await h.Admin.GetAsync("/v1/no-such-route")),
            ("unknown item", HttpStatusCode.NotFound, await reviewer.GetAsync("/v1/review/items/999999")),
            ("wrong method", HttpStatusCode.MethodNotAllowed, await h.Admin.GetAsync("/v1/lookup")),
            ("upload too large", HttpStatusCode.RequestEntityTooLarge, await matcher.PostAsync("/v1/lookup/file", Bytes(new byte[10_000], "big.jpg"))),
            ("not JSON", HttpStatusCode.UnsupportedMediaType, await matcher.PostAsync("/v1/lookup", new StringContent("pdq f8f8", Encoding.UTF8, "text/plain"))),
            ("not an image", HttpStatusCode.UnsupportedMediaType, await matcher.PostAsync("/v1/hash", Bytes(Encoding.ASCII.GetBytes("plain text, no image"), "a.jpg"))),
            ("bad JSON", HttpStatusCode.BadRequest, await matcher.PostAsync("/v1/lookup", new StringContent("{\"signal_type\": ", Encoding.UTF8, "application/json"))),
            ("query value that does not bind", HttpStatusCode.BadRequest, await matcher.GetAsync("/v1/banks?limit=abc")),
        };
        // Rate 1 a second (a burst of 2): a few requests at once run past it.
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 10 && limited is null; i++)
        {
            var r = await slow.GetAsync("/v1/banks");
            if (r.StatusCode == HttpStatusCode.TooManyRequests) limited = r;
        }
        Assert.NotNull(limited);
        answers.Add(("rate limit", HttpStatusCode.TooManyRequests, limited));

        foreach (var (what, expected, r) in answers)
        {
            Assert.True(expected == r.StatusCode, $"{what}: {(int)r.StatusCode}, expected {(int)expected}");
            Assert.True(r.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: content type {r.Content.Headers.ContentType}");
            var body = await Json(r);
            Assert.Equal((int)expected, body.GetProperty("status").GetInt32());
            foreach (var field in new[] { "type", "title", "detail", "error" })
                Assert.True(body.TryGetProperty(field, out var v) && !string.IsNullOrWhiteSpace(v.GetString()), $"{what}: no {field} in {body}");
            Assert.Equal(body.GetProperty("detail").GetString(), body.GetProperty("error").GetString());
        }
        // The wrong method names the one that works.
        Assert.Contains("POST", (await Json(answers.Single(a => a.What == "wrong method").Response)).GetProperty("detail").GetString());
    }
}

using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using Safeguard.Exchanges.Services;

namespace Safeguard.Exchanges.Tat;

/// <summary>Where a TAT fetch stands: the service's own checkpoint ("time,id") of the last applied page, sent back as "after".</summary>
internal sealed record TatCheckpoint
{
    [JsonPropertyName("after")] public string After { get; init; } = "";
}

/// <summary>
/// Signs in once per fetch (POST token-auth/tcap/ for a bearer token), then reads the hash list
/// in ascending order after the checkpoint. Each page is asked for with the previous page's
/// checkpoint as "after", so a fetch stopped anywhere resumes exactly after its last page.
/// </summary>
internal sealed class TatClient(string username, string password, Uri baseUri, ServiceHttp http) : IExchangeClient
{
    public async IAsyncEnumerable<ExchangePage> FetchAsync(string? checkpoint, [EnumeratorCancellation] CancellationToken ct)
    {
        var after = ServiceText.ReadCheckpoint<TatCheckpoint>(checkpoint, http.TypeName)?.After ?? "";
        var token = await SignInAsync(ct).ConfigureAwait(false);
        while (true)
        {
            var uri = new Uri(baseUri, $"api/hash-list/v2/all?order=asc&after={Uri.EscapeDataString(after)}");
            var response = await http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return request;
            }, "json", ct).ConfigureAwait(false);
            var page = TatJson.Parse(response.Body, http.Limits, http);
            var next = page.Checkpoint ?? after;
            if (page.Next is not null && next == after)
                throw http.Error("the service returned the same page again (its checkpoint did not move)");
            yield return new ExchangePage
            {
                Items = page.Items,
                Checkpoint = ServiceText.WriteCheckpoint(new TatCheckpoint { After = next }),
                UpstreamTime = page.Newest,
                Unchanged = page.Items.Count == 0 && page.Skipped == 0 && next == after,
                Skipped = page.Skipped,
            };
            if (page.Next is null) yield break;
            after = next;
        }
    }

    private async Task<string> SignInAsync(CancellationToken ct)
    {
        var uri = new Uri(baseUri, "token-auth/tcap/");
        var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent([new("username", username), new("password", password), new("resend", "False")]),
        }, "json", ct, static (status, _) => status == 400).ConfigureAwait(false); // the sign-in form answers 400 to a wrong user or password
        return TatJson.Token(response.Body, http);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

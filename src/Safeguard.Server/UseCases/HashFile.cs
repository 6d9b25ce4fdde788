using Safeguard.Server.Api;
using Safeguard.Server.Media;

namespace Safeguard.Server.UseCases;

/// <summary>Hashes an uploaded or fetched file (image or video).</summary>
public sealed class HashFile(MediaHashing media, SafeFetcher fetcher)
{
    public Task<HashedMedia> RunAsync(Upload file, CancellationToken ct) => media.HashAsync(file.Bytes, file.Name, ct);

    public async Task<HashedMedia> FromUrlAsync(string url, CancellationToken ct) => await RunAsync(await fetcher.FetchAsync(url, ct), ct);
}

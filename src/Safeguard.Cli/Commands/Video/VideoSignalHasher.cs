using Safeguard.Video.Tmk;
using Safeguard.Video.Vpdq;

namespace Safeguard.Cli.Commands.Video;

/// <summary>
/// Every signal <c>video hash</c> asked for. <see cref="VpdqHasher"/> computes TMK from the same
/// decode when <see cref="VpdqOptions.Tmk"/> is set; a hasher that returns no TMK leaves it to a
/// second decode by <see cref="TmkHasher"/>, so the output is the same either way.
/// </summary>
public static class VideoSignalHasher
{
    public static VideoHashResult HashFile(string path, VpdqOptions options, CancellationToken cancel = default)
    {
        var result = VpdqHasher.HashFile(path, options, cancel);
        if (!options.Tmk || result.Failed || result.Tmk is not null) return result;
        try
        {
            result.Tmk = TmkHasher.HashFile(path, new TmkOptions
            {
                MaxPixels = options.MaxPixels, ProbeTimeout = options.ProbeTimeout, StallTimeout = options.StallTimeout, DecoderThreads = options.DecoderThreads,
            }, cancel);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result.Error = ex.Message;
        }
        return result;
    }
}

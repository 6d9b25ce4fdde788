using System.Globalization;
using Safeguard.Hashing.Pdq;
using Safeguard.Server.Matching;
using Safeguard.Video.Vpdq;
using Safeguard.Signals;

namespace Safeguard.Server.Media;

/// <summary>
/// Which frame of a matched video a reviewer is shown, so a video hit is not decided blind: previews
/// render images, and the video itself is never stored.
/// </summary>
public static class VideoReviewFrame
{
    /// <summary>
    /// The closest frame hit's time; for a whole-video vPDQ hit alone, the first sampled frame of usable
    /// quality (a black opening frame shows nothing); null when only exact hashes matched.
    /// </summary>
    public static double? ChooseSeconds(IReadOnlyList<ItemMatch> matches, IReadOnlyList<VpdqFrame> frames)
    {
        // Matches come closest first.
        if (matches.FirstOrDefault(m => m.FrameSeconds is not null)?.FrameSeconds is { } hit) return hit;
        // A whole-video hit (vPDQ or TMK) points at no time: the first useful frame shows the video.
        if (!matches.Any(m => m.SignalType is "vpdq" or "tmk") || frames.Count == 0) return null;
        foreach (var f in frames)
            if (f.Quality >= PdqResult.MinimumUsefulQuality) return f.Timestamp;
        return frames[0].Timestamp;
    }

    public static string Describe(double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"frame of the video at {seconds:0.000} s (PNG); the video itself is not stored");
}

using Safeguard.Signals.Exact;

namespace Safeguard.Signals.VideoMd5;

/// <summary>MD5 of a whole video file (HMA's video_md5): found by a file's MD5, like md5.</summary>
public sealed class VideoMd5Signal() : DigestSignal("video_md5", DigestAlgorithm.Md5, 16);

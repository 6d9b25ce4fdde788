namespace Safeguard.Hashing.Pdq;

/// <summary>
/// One hashed frame of a video: vPDQ's <c>frame,quality,pdq,timestamp</c> row. The frame number
/// counts decoded frames from 0; the timestamp is frame / frame rate, as Meta's vPDQ computes it.
/// </summary>
public readonly record struct VpdqFrame(long FrameNumber, int Quality, Hash256 Hash, double Timestamp);

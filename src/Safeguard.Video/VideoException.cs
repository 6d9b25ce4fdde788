namespace Safeguard.Video;

/// <summary>A video could not be probed, decoded or hashed; the message names the input and the cause.</summary>
public sealed class VideoException(string message, Exception? inner = null) : Exception(message, inner);

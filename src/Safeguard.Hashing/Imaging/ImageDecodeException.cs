namespace Safeguard.Hashing.Imaging;

/// <summary>An image that cannot be decoded; the message says why in a user's words.</summary>
public sealed class ImageDecodeException(string message) : Exception(message);

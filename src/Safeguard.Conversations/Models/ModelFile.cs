using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace Safeguard.Conversations.Models;

/// <summary>
/// The conversation model file: the 8 bytes "SGCMODEL", a little-endian format version, the SHA-256 of the payload,
/// then the payload, gzip-compressed JSON (<see cref="ModelDocument"/>). Writes go to a temporary file that is renamed
/// into place, so a crash never leaves half a model; reads check the magic, the version and the hash before parsing.
/// </summary>
public static class ModelFile
{
    public const int FormatVersion = 1;
    public const long MaxFileBytes = 512L * 1024 * 1024;
    private const long MaxPayloadBytes = 2L * 1024 * 1024 * 1024;
    private static ReadOnlySpan<byte> Magic => "SGCMODEL"u8;
    private const int HeaderBytes = 8 + 4 + 32;

    /// <summary>True when the file starts like a Safeguard conversation model (rather than, say, an ONNX model).</summary>
    public static bool LooksLikeModel(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[8];
            return stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && head.SequenceEqual(Magic);
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public static ConversationModel Load(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new ModelFormatException($"{path}: no such model file");
            if (info.Length > MaxFileBytes) throw new ModelFormatException($"{path}: {info.Length} bytes is larger than a model may be ({MaxFileBytes})");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"{path}: cannot read the model: {ex.Message}", ex);
        }
        try { return Parse(bytes); }
        catch (ModelFormatException ex) { throw new ModelFormatException($"{path}: {ex.Message}", ex); }
    }

    public static ConversationModel Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8 || !bytes[..8].SequenceEqual(Magic))
            throw new ModelFormatException("not a Safeguard conversation model (it does not start with \"SGCMODEL\"; ONNX models need --model-input)");
        if (bytes.Length < HeaderBytes) throw new ModelFormatException("the model file is truncated (header incomplete)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..12]);
        if (version != FormatVersion)
            throw new ModelFormatException(version > FormatVersion
                ? $"model format {version} was written by a newer Safeguard; this one reads format {FormatVersion}"
                : $"model format {version} is not supported; this version reads format {FormatVersion}");
        var payload = bytes[HeaderBytes..];
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        if (!hash.SequenceEqual(bytes[12..HeaderBytes]))
            throw new ModelFormatException("the model file is corrupt or truncated (its SHA-256 does not match)");
        ModelDocument document;
        try
        {
            using var compressed = new MemoryStream(payload.ToArray(), writable: false);
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            using var limited = new LimitedReadStream(gzip, MaxPayloadBytes);
            document = JsonSerializer.Deserialize<ModelDocument>(limited, ModelDocument.JsonOptions)
                       ?? throw new ModelFormatException("the model payload is empty");
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or NotSupportedException or InvalidOperationException)
        {
            throw new ModelFormatException($"the model payload is not readable: {ex.Message}", ex);
        }
        return document.ToModel();
    }

    /// <summary>Writes the model to a temporary file beside <paramref name="path"/> and renames it into place.</summary>
    public static void Save(ConversationModel model, string path)
    {
        var bytes = Serialize(model);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static byte[] Serialize(ConversationModel model)
    {
        using var payload = new MemoryStream();
        using (var gzip = new GZipStream(payload, CompressionLevel.SmallestSize, leaveOpen: true))
            JsonSerializer.Serialize(gzip, ModelDocument.From(model), ModelDocument.JsonOptions);
        var body = payload.ToArray();
        var bytes = new byte[HeaderBytes + body.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8, 4), FormatVersion);
        SHA256.HashData(body, bytes.AsSpan(12, 32));
        body.CopyTo(bytes.AsSpan(HeaderBytes));
        return bytes;
    }

    /// <summary>Stops a decompression bomb: reading past the limit is an error, not an allocation.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            _read += n;
            if (_read > limit) throw new InvalidDataException($"the model payload expands beyond {limit} bytes");
            return n;
        }
    }
}

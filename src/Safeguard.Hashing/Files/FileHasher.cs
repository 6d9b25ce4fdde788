using System.Security.Cryptography;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Imaging.Jpeg;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Hashing.Files;

/// <summary>
/// Hashes one file at a time: reads it once into a reused buffer, takes the exact hashes of
/// the bytes and decodes them for PDQ. One instance per thread.
/// </summary>
public sealed class FileHasher : IDisposable
{
    private const int StreamChunk = 1 << 20;

    private readonly FileHashOptions _options;
    private readonly ImageDecoder _decoder;
    private readonly PdqHasher _pdq = new();
    private byte[] _buffer = []; // grows on first use (files); uploads never need it

    /// <summary>Per-stage timings (ticks), filled when <see cref="CollectStageTimes"/> is on.</summary>
    public FileStageTimes Times;
    public bool CollectStageTimes
    {
        get => _pdq.CollectStageTimes;
        set => _pdq.CollectStageTimes = value;
    }
    public PdqStageTimes PdqTimes => _pdq.StageTimes;

    public FileHasher(FileHashOptions? options = null)
    {
        _options = options ?? new FileHashOptions();
        _decoder = new ImageDecoder(_options.Decode);
    }

    public FileHashOptions Options => _options;

    /// <summary>
    /// The work a file is expected to take, for scheduling the biggest first: its size in bytes
    /// (decode time grows with it), 0 when it cannot be read (the hash reports why).
    /// </summary>
    public static long EstimatedCost(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return 0;
        }
    }

    public FileHashResult HashFile(string path, string? displayPath = null)
    {
        var result = new FileHashResult { Path = displayPath ?? path };
        try
        {
            if (!UnixFileType.IsRegularFile(path))
            {
                result.Error = "not a regular file (FIFO, socket or device); skipped";
                return result;
            }
            long t0 = CollectStageTimes ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.SequentialScan, BufferSize = 0,
            });
            long length = stream.Length;
            result.Size = length;
            if (length > _options.MaxImageFileBytes)
            {
                HashStreamExact(stream, result);
                if (_options.Signals.HasFlag(HashSignals.Pdq))
                    result.Error = $"file is {length:N0} bytes, over the image size limit of {_options.MaxImageFileBytes:N0}; exact hashes only";
                return result;
            }
            int read = ReadAll(stream, (int)length);
            if (CollectStageTimes) Times.Read += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
            HashBytes(_buffer.AsSpan(0, read), result);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result.Error = Describe(ex);
        }
        return result;
    }

    /// <summary>Hashes bytes already in memory (uploads, archive members).</summary>
    public void HashBytes(ReadOnlySpan<byte> bytes, FileHashResult result)
    {
        result.Size = bytes.Length;
        long t0 = CollectStageTimes ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        var signals = _options.Signals;
        if (signals.HasFlag(HashSignals.Md5)) result.Md5 = MD5.HashData(bytes);
        if (signals.HasFlag(HashSignals.Sha1)) result.Sha1 = SHA1.HashData(bytes);
        if (signals.HasFlag(HashSignals.Sha256)) result.Sha256 = SHA256.HashData(bytes);
        long t1 = CollectStageTimes ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        if (CollectStageTimes) Times.Exact += t1 - t0;
        if (!signals.HasFlag(HashSignals.Pdq)) return;
        try
        {
            if (_options.Decode.ReducedScaleJpeg && !_options.Decode.ApplyExifOrientation && _options.Sizing == PdqSizing.Reference512
                && _decoder.TryDecodeJpegScaled(bytes, 512, out var scaled))
            {
                if (CollectStageTimes) Times.Decode += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
                result.Width = scaled.Width;
                result.Height = scaled.Height;
                HashPdq(_options.Unletterbox ? Unletterbox.Crop(scaled) : scaled, result);
                return;
            }
            if (SparseJpegPathApplies && _decoder.TryDecodeJpegPlanes(bytes, out var planes))
            {
                if (CollectStageTimes) Times.Decode += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
                result.Width = planes.Width;
                result.Height = planes.Height;
                bool sparse = planes.Width > 512 || planes.Height > 512;
                if (sparse && ImageDecoder.HasColour(planes))
                    HashPdq(planes, result);
                else
                    HashPdq(_decoder.ToPixels(planes), result);
                return;
            }
            if (SparseJpegPathApplies && _decoder.TryDecodeJpegCmyk(bytes, out var cmyk))
            {
                if (CollectStageTimes) Times.Decode += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
                result.Width = cmyk.Width;
                result.Height = cmyk.Height;
                HashPdq(cmyk, result);
                return;
            }
            var pixels = _decoder.Decode(bytes);
            if (CollectStageTimes) Times.Decode += System.Diagnostics.Stopwatch.GetTimestamp() - t1;
            result.Width = pixels.Width;
            result.Height = pixels.Height;
            if (_options.Unletterbox) pixels = Unletterbox.Crop(pixels);
            HashPdq(pixels, result);
        }
        catch (ImageDecodeException ex)
        {
            result.Error = ex.Message;
        }
    }

    /// <summary>
    /// With the reference's 512x512 resize and nothing that needs every pixel, a JPEG's colour
    /// is computed only where the resize samples it.
    /// </summary>
    private bool SparseJpegPathApplies =>
        _options.Sizing == PdqSizing.Reference512 && !_options.Unletterbox && !_options.Decode.ApplyExifOrientation;

    private void HashPdq(in PixelView pixels, FileHashResult result)
    {
        if (_options.Dihedral)
        {
            var hashes = new Hash256[8];
            int quality = _pdq.HashDihedral(pixels, hashes, _options.Sizing);
            result.DihedralHashes = hashes;
            result.Pdq = new PdqResult(hashes[0], quality);
        }
        else
        {
            result.Pdq = _pdq.Hash(pixels, _options.Sizing);
        }
    }

    private void HashPdq(in YccPlanes planes, FileHashResult result)
    {
        if (_options.Dihedral)
        {
            var hashes = new Hash256[8];
            int quality = _pdq.HashDihedral(planes, hashes, _options.Sizing);
            result.DihedralHashes = hashes;
            result.Pdq = new PdqResult(hashes[0], quality);
        }
        else
        {
            result.Pdq = _pdq.Hash(planes, _options.Sizing);
        }
    }

    private void HashStreamExact(Stream stream, FileHashResult result)
    {
        using var md5 = _options.Signals.HasFlag(HashSignals.Md5) ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
        using var sha1 = _options.Signals.HasFlag(HashSignals.Sha1) ? IncrementalHash.CreateHash(HashAlgorithmName.SHA1) : null;
        using var sha256 = _options.Signals.HasFlag(HashSignals.Sha256) ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        if (_buffer.Length < StreamChunk) _buffer = new byte[StreamChunk];
        int n;
        while ((n = stream.Read(_buffer, 0, StreamChunk)) > 0)
        {
            var chunk = _buffer.AsSpan(0, n);
            md5?.AppendData(chunk);
            sha1?.AppendData(chunk);
            sha256?.AppendData(chunk);
        }
        result.Md5 = md5?.GetHashAndReset();
        result.Sha1 = sha1?.GetHashAndReset();
        result.Sha256 = sha256?.GetHashAndReset();
    }

    /// <summary>Reads the whole stream; the length may change under us, so read until EOF.</summary>
    private int ReadAll(Stream stream, int expected)
    {
        if (_buffer.Length < expected + 1) _buffer = new byte[Math.Max(expected + 1, _buffer.Length * 2)];
        int total = 0;
        while (true)
        {
            if (total == _buffer.Length)
            {
                if ((long)_buffer.Length * 2 > _options.MaxImageFileBytes + 1)
                    throw new IOException("file grew past the image size limit while being read");
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            int n = stream.Read(_buffer, total, _buffer.Length - total);
            if (n == 0) return total;
            total += n;
        }
    }

    public static string Describe(Exception ex) => ex switch
    {
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "path too long",
        _ => ex.Message,
    };

    /// <summary>Bytes this hasher keeps between files: read buffer, decoded pixels, PDQ scratch.</summary>
    public long RetainedBytes => _buffer.Length + _decoder.RetainedBytes + _pdq.RetainedBytes;

    /// <summary>Gives back the buffers that grew with the largest file seen (a long-lived pool trims after big images).</summary>
    public void ReleaseBuffers()
    {
        _buffer = [];
        _decoder.ReleaseBuffers();
        _pdq.ReleaseBuffers();
    }

    public void Dispose()
    {
        _decoder.Dispose();
        _pdq.Dispose();
    }
}

public struct FileStageTimes
{
    public long Read, Exact, Decode;
}

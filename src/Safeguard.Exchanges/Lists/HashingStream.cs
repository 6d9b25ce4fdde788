using System.Security.Cryptography;

namespace Safeguard.Exchanges.Lists;

/// <summary>Reads through, hashing with SHA-256 and refusing more than a given number of bytes.</summary>
internal sealed class HashingStream(Stream inner, long maxBytes, string source) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, count);
        Count(buffer.AsSpan(offset, n));
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        int n = await inner.ReadAsync(buffer, ct);
        Count(buffer.Span[..n]);
        return n;
    }

    private void Count(ReadOnlySpan<byte> data)
    {
        _read += data.Length;
        if (_read > maxBytes) throw HashList.TooLarge(source, maxBytes);
        _hash.AppendData(data);
    }

    /// <summary>Reads what the parser left unread, and returns the hash of the whole stream.</summary>
    public string FinishSha256()
    {
        var buffer = new byte[81920];
        while (Read(buffer, 0, buffer.Length) > 0) { }
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) { inner.Dispose(); _hash.Dispose(); }
        base.Dispose(disposing);
    }
}

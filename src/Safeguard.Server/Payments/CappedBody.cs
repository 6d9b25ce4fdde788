using Safeguard.Server.Errors;

namespace Safeguard.Server.Payments;

/// <summary>
/// The request body read synchronously by the feed reader, cut off at a size cap: past it the read throws a
/// 413 (not an IOException, which the reader would take for a bad file and carry on).
/// </summary>
internal sealed class CappedBody(Stream inner, long max) : Stream
{
    public long BytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        BytesRead += n;
        if (BytesRead > max) throw new PayloadTooLargeException($"the batch is over the limit of {max} bytes; send smaller batches (rows before the cut were kept)");
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

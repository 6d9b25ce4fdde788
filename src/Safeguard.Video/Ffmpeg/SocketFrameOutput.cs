using System.Net.Sockets;

namespace Safeguard.Video.Ffmpeg;

/// <summary>
/// Receives a second FFmpeg output (fixed-size raw frames) over a Unix socket in a private
/// directory and hands each frame to a callback on its own thread, while the main output is read
/// from standard output. FFmpeg connects as a client (<c>unix:</c> URL); only this user can reach
/// the socket. One buffer is reused for every frame.
/// </summary>
public sealed class SocketFrameOutput : IDisposable
{
    private readonly string _dir;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _work;
    private readonly TimeSpan _stallTimeout;
    private readonly int _frameBytes;
    private readonly Action<byte[]> _onFrame;

    public SocketFrameOutput(int frameBytes, TimeSpan stallTimeout, Action<byte[]> onFrame)
    {
        _frameBytes = frameBytes;
        _stallTimeout = stallTimeout;
        _onFrame = onFrame;
        _dir = Path.Combine(Path.GetTempPath(), $"safeguard-{Guid.NewGuid():N}"[..24]);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(_dir);
        else Directory.CreateDirectory(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string socketPath = Path.Combine(_dir, "s");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(1);
        Target = "unix:" + socketPath;
        _work = Task.Run(ReceiveAsync);
    }

    /// <summary>The FFmpeg output URL.</summary>
    public string Target { get; }

    public long Frames { get; private set; }

    private async Task ReceiveAsync()
    {
        using var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
        client.ReceiveTimeout = (int)Math.Min(int.MaxValue, _stallTimeout.TotalMilliseconds);
        using var stream = new NetworkStream(client, ownsSocket: false);
        var frame = new byte[_frameBytes];
        while (true)
        {
            _stop.Token.ThrowIfCancellationRequested();
            int filled;
            try { filled = stream.ReadAtLeast(frame, frame.Length, throwOnEndOfStream: false); }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
            {
                throw new TimeoutException($"no frame on the second output for {_stallTimeout.TotalSeconds:0.#} s");
            }
            if (filled == 0) return;
            if (filled < frame.Length) throw new VideoException($"second output ended inside a frame ({filled} of {frame.Length} bytes)");
            _onFrame(frame);
            Frames++;
        }
    }

    /// <summary>
    /// After the main output ended: waits for this output to end. Throws <see cref="VideoException"/>
    /// or <see cref="TimeoutException"/> when it failed.
    /// </summary>
    public void Finish()
    {
        try
        {
            if (!_work.Wait(_stallTimeout))
            {
                _stop.Cancel();
                throw new TimeoutException($"the second output did not end within {_stallTimeout.TotalSeconds:0.#} s of the main output");
            }
        }
        catch (AggregateException ex) when (ex.InnerException is { } inner)
        {
            if (inner is VideoException or TimeoutException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            if (inner is OperationCanceledException) throw new VideoException("the second output was abandoned", inner);
            throw new VideoException($"the second output failed: {inner.Message}", inner);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _work.Wait(TimeSpan.FromSeconds(2)); }
        catch (AggregateException) { }
        _listener.Dispose();
        _stop.Dispose();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

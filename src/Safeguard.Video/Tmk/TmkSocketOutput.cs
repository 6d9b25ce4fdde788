using System.Net.Sockets;
using Safeguard.Hashing.Tmk;

namespace Safeguard.Video.Tmk;

/// <summary>
/// Receives the TMK branch of a split FFmpeg decode (64x64 RGB at 15 fps) over a Unix socket in
/// a private directory, and hashes it on its own thread while the main output is read. FFmpeg
/// connects as a client (<c>unix:</c> URL); only this user can reach the socket.
/// </summary>
public sealed class TmkSocketOutput : IDisposable
{
    private readonly string _dir;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly TmkFrameConsumer _consumer;
    private readonly Task _work;
    private readonly TimeSpan _stallTimeout;

    public TmkSocketOutput(TmkOptions options)
    {
        _stallTimeout = options.StallTimeout;
        _consumer = new TmkFrameConsumer(options.MaxFrames);
        _dir = Path.Combine(Path.GetTempPath(), $"safeguard-tmk-{Guid.NewGuid():N}"[..28]);
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

    /// <summary>The output options of the branch: exactly those of Meta's hasher.</summary>
    public static IReadOnlyList<string> OutputArgs => TmkHasher.OutputArgs;

    private async Task ReceiveAsync()
    {
        using var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
        client.ReceiveTimeout = (int)Math.Min(int.MaxValue, _stallTimeout.TotalMilliseconds);
        using var stream = new NetworkStream(client, ownsSocket: false);
        _consumer.ReadAll((buffer, cancel) =>
        {
            cancel.ThrowIfCancellationRequested();
            int filled;
            try { filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false); }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
            {
                throw new TimeoutException($"no TMK frame for {_stallTimeout.TotalSeconds:0.#} s");
            }
            if (filled == 0) return false;
            if (filled < buffer.Length) throw new VideoException($"TMK frame stream ended inside a frame ({filled} of {buffer.Length} bytes)");
            return true;
        }, _stop.Token);
    }

    /// <summary>
    /// After the main output ended: waits for the branch to finish and returns its features.
    /// Throws <see cref="VideoException"/> or <see cref="TimeoutException"/> when it failed.
    /// </summary>
    public TmkFeatures Finish(string stderrTail)
    {
        try
        {
            if (!_work.Wait(_stallTimeout))
            {
                _stop.Cancel();
                throw new TimeoutException($"the TMK output did not finish within {_stallTimeout.TotalSeconds:0.#} s of the main output");
            }
        }
        catch (AggregateException ex) when (ex.InnerException is { } inner)
        {
            if (inner is VideoException or TimeoutException) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            if (inner is OperationCanceledException) throw new VideoException("the TMK output was abandoned", inner);
            throw new VideoException($"the TMK output failed: {inner.Message}", inner);
        }
        return _consumer.Finish(stderrTail);
    }

    /// <summary>Stops waiting (the decoder failed or was cancelled).</summary>
    public void Abandon() => _stop.Cancel();

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

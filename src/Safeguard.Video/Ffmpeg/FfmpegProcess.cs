using System.Diagnostics;
using System.Text;

namespace Safeguard.Video.Ffmpeg;

/// <summary>
/// One FFmpeg child process whose standard output is read as raw frames. Standard error is read
/// concurrently (so neither pipe can fill and deadlock) into a bounded tail for error messages,
/// and each line is offered to an optional callback. Disposing kills the process.
/// </summary>
public sealed class FfmpegProcess : IDisposable
{
    private const int TailLines = 20;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Task _stderrPump;
    private readonly Stream _stdout;
    private int _killed;

    private FfmpegProcess(Process process, Action<string>? onStderrLine)
    {
        _process = process;
        _stdout = process.StandardOutput.BaseStream;
        _stderrPump = Task.Run(async () =>
        {
            try
            {
                string? line;
                while ((line = await process.StandardError.ReadLineAsync().ConfigureAwait(false)) is not null)
                {
                    onStderrLine?.Invoke(line);
                    if (line.Contains("Parsed_showinfo", StringComparison.Ordinal)) continue;
                    lock (_tail)
                    {
                        _tail.Enqueue(line.Length > 500 ? line[..500] : line);
                        if (_tail.Count > TailLines) _tail.Dequeue();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException) { }
        });
    }

    /// <param name="inheritStdin">True to let FFmpeg read this process's standard input (source "-").</param>
    public static FfmpegProcess Start(string executable, IEnumerable<string> args, bool inheritStdin = false, Action<string>? onStderrLine = null)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = !inheritStdin,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new VideoException($"could not start {executable}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new VideoException($"could not start {executable}: {ex.Message}; install FFmpeg (Debian: apt-get install ffmpeg)", ex);
        }
        if (!inheritStdin) process.StandardInput.Close();
        return new FfmpegProcess(process, onStderrLine);
    }

    public int Id => _process.Id;

    /// <summary>The raw standard output (for small text answers such as ffprobe's).</summary>
    public Stream StdoutStream => _stdout;

    /// <summary>The last lines FFmpeg wrote to standard error, joined, for error messages.</summary>
    public string StderrTail
    {
        get { lock (_tail) return string.Join(" | ", _tail.Where(l => l.Length > 0)); }
    }

    public bool HasExited
    {
        get { try { return _process.HasExited; } catch (InvalidOperationException) { return true; } }
    }

    public bool Killed => Volatile.Read(ref _killed) != 0;

    /// <summary>
    /// Fills <paramref name="buffer"/> completely. Returns false at a clean end of stream (no byte
    /// read); throws when the stream ends part-way through. When no data arrives for
    /// <paramref name="stallTimeout"/>, or <paramref name="cancel"/> fires, the process is killed.
    /// </summary>
    public bool ReadExactly(Span<byte> buffer, TimeSpan stallTimeout, CancellationToken cancel)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = ReadWithTimeout(buffer[filled..], stallTimeout, cancel);
            if (n == 0)
            {
                if (filled == 0) return false;
                throw new VideoException($"decoder output ended inside a frame ({filled} of {buffer.Length} bytes)");
            }
            filled += n;
        }
        return true;
    }

    private int ReadWithTimeout(Span<byte> span, TimeSpan stallTimeout, CancellationToken cancel)
    {
        // A blocking read on a pipe cannot be cancelled portably; killing the process closes the
        // pipe, which ends the read. The timer is the stall watchdog.
        using var timer = new Timer(_ => Kill(), null, stallTimeout, Timeout.InfiniteTimeSpan);
        using var reg = cancel.Register(Kill);
        int n;
        try { n = _stdout.Read(span); }
        catch (IOException) { n = 0; }
        if (Killed && !cancel.IsCancellationRequested && n == 0)
            throw new TimeoutException($"no decoded data for {stallTimeout.TotalSeconds:0.#} s");
        cancel.ThrowIfCancellationRequested();
        return n;
    }

    /// <summary>Waits for exit (killing after <paramref name="timeout"/>) and returns the exit code, or -1 when killed.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) Kill();
        _process.WaitForExit();
        _stderrPump.Wait(TimeSpan.FromSeconds(2));
        return Killed ? -1 : _process.ExitCode;
    }

    public void Kill()
    {
        Interlocked.Exchange(ref _killed, 1);
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) Kill(); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}

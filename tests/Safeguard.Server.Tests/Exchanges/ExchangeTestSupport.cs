using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Safeguard.Server.Tests.Exchanges;

/// <summary>Lists to fetch and log lines to search, for the exchange tests.</summary>
internal static class ExchangeTestSupport
{
    public static string RandomMd5() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A plain md5 list in a fresh folder; returns its path and hashes.</summary>
    public static (string Path, List<string> Hashes) WriteList(int count)
    {
        var dir = Directory.CreateDirectory(TestTemp.Directory("sg-exchange")).FullName;
        var hashes = Enumerable.Range(0, count).Select(_ => RandomMd5()).ToList();
        var path = System.IO.Path.Combine(dir, "list.txt");
        File.WriteAllLines(path, hashes);
        return (path, hashes);
    }
}

/// <summary>Every log line the server writes, formatted with its arguments, kept for searching.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }

    public void AddTo(ILoggingBuilder logs)
    {
        logs.SetMinimumLevel(LogLevel.Trace);
        logs.AddProvider(this);
    }
}

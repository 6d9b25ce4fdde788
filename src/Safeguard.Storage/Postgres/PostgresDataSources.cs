using Npgsql;

namespace Safeguard.Storage.Postgres;

/// <summary>
/// One <see cref="NpgsqlDataSource"/> (one connection pool) per connection string in the process:
/// the bank store and the server's tables on the same database share it. Each user holds a lease;
/// the data source is disposed when the last lease is.
/// </summary>
public static class PostgresDataSources
{
    private static readonly Dictionary<string, Shared> Open = new(StringComparer.Ordinal);

    private sealed class Shared(NpgsqlDataSource source)
    {
        public NpgsqlDataSource Source { get; } = source;
        public int Leases;
    }

    /// <summary>The data source for a normalised Npgsql connection string, created on first use.</summary>
    public static Lease Acquire(string connectionString)
    {
        lock (Open)
        {
            if (!Open.TryGetValue(connectionString, out var shared))
                Open[connectionString] = shared = new Shared(NpgsqlDataSource.Create(connectionString));
            shared.Leases++;
            return new Lease(connectionString, shared.Source);
        }
    }

    /// <summary>How many data sources are open (tests check that users share one).</summary>
    internal static int OpenCount { get { lock (Open) return Open.Count; } }

    private static NpgsqlDataSource? Release(string connectionString)
    {
        lock (Open)
        {
            if (!Open.TryGetValue(connectionString, out var shared) || --shared.Leases > 0) return null;
            Open.Remove(connectionString);
            return shared.Source;
        }
    }

    public sealed class Lease : IAsyncDisposable
    {
        private readonly string _connectionString;
        private int _disposed;

        public NpgsqlDataSource Source { get; }

        internal Lease(string connectionString, NpgsqlDataSource source) { _connectionString = connectionString; Source = source; }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            if (Release(_connectionString) is { } last) await last.DisposeAsync();
        }
    }
}

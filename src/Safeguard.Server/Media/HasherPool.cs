using System.Collections.Concurrent;
using Safeguard.Hashing.Files;

namespace Safeguard.Server.Media;

/// <summary>FileHasher is one-per-thread; requests borrow one from this pool.</summary>
public sealed class HasherPool : IDisposable
{
    private readonly ConcurrentBag<FileHasher> _pool = [];

    public FileHashResult Hash(ReadOnlySpan<byte> bytes, string name)
    {
        if (!_pool.TryTake(out var hasher)) hasher = new FileHasher(new FileHashOptions());
        try
        {
            var result = new FileHashResult { Path = name };
            hasher.HashBytes(bytes, result);
            return result;
        }
        finally { _pool.Add(hasher); }
    }

    public void Dispose()
    {
        while (_pool.TryTake(out var h)) h.Dispose();
    }
}

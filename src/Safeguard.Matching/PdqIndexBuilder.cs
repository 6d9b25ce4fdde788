using Safeguard.Hashing.Pdq;

namespace Safeguard.Matching;

/// <summary>
/// Collects hashes for one bulk build without a second whole-bank copy: they are held in chunks
/// and copied once into the index's own table. Ids are the add order, 0 to <see cref="Count"/> - 1.
/// </summary>
public sealed class PdqIndexBuilder
{
    private const int ChunkBits = 20;
    private const int ChunkSize = 1 << ChunkBits;
    private readonly List<Hash256[]> _chunks = [];
    private int _count;

    public int Count => _count;

    public void Add(in Hash256 hash)
    {
        if (_count == Array.MaxLength) throw new InvalidOperationException($"index too large: {_count} entries");
        int chunk = _count >> ChunkBits;
        if (chunk == _chunks.Count) _chunks.Add(new Hash256[ChunkSize]);
        _chunks[chunk][_count & (ChunkSize - 1)] = hash;
        _count++;
    }

    /// <summary>The index of everything added (one segment); the builder is empty afterwards.</summary>
    public PdqIndex Build(int overlayCapacity = PdqIndex.DefaultOverlayCapacity)
    {
        var index = new PdqIndex(overlayCapacity);
        if (_count > 0)
        {
            var hashes = new NativeBuffer<Hash256>(_count, zeroed: false);
            var target = hashes.AsSpan();
            for (int c = 0; c < _chunks.Count; c++)
            {
                int start = c << ChunkBits, length = Math.Min(ChunkSize, _count - start);
                _chunks[c].AsSpan(0, length).CopyTo(target.Slice(start, length));
                _chunks[c] = []; // each chunk goes as soon as it is copied
            }
            index.AddSegment(new PdqSegment(hashes, ids: null)); // ids are the positions
        }
        _chunks.Clear();
        _count = 0;
        return index;
    }
}

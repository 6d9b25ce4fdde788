using System.Diagnostics;
using System.Runtime.InteropServices;
using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Imaging.Jpeg;

namespace Safeguard.Hashing.Pdq;

/// <summary>How the decoded image is sized before hashing.</summary>
public enum PdqSizing
{
    /// <summary>As Meta's reference CLI: wider or taller than 512 px is resized to exactly 512x512, nearest neighbour.</summary>
    Reference512,
    /// <summary>Hash the full-resolution decode, as the widely deployed Python tooling does.</summary>
    FullResolution,
}

/// <summary>
/// PDQ, bit-exact with Meta's reference. One instance per thread: it owns its scratch buffers
/// and allocates nothing per image once they have grown to the largest size seen.
/// </summary>
public sealed unsafe class PdqHasher : IDisposable
{
    private const int ReferenceSize = 512;
    private const int MinHashableDim = 5;

    private float* _bufA, _bufB;
    private int _capacity;
    private float* _small;            // 64 x max(rows, cols), then rows x 64
    private int _smallCapacity;
    private float* _fixedBlock;       // holds the four small buffers below
    private readonly float* _b64, _t16x64, _dct, _aux;
    private int[] _colOffsets = new int[ReferenceSize];
    private int[] _chromaIdx = new int[ReferenceSize], _chromaNbr = new int[ReferenceSize], _chromaBias = new int[ReferenceSize];
    private readonly int[] _sampleRows = new int[64];
    private readonly int[] _sampleCols = new int[64];

    public PdqHasher()
    {
        _fixedBlock = Alloc(64 * 64 + 16 * 64 + 256 + 256);
        _b64 = _fixedBlock;
        _t16x64 = _b64 + 64 * 64;
        _dct = _t16x64 + 16 * 64;
        _aux = _dct + 256;
    }

    /// <summary>Per-stage timings in Stopwatch ticks, accumulated across calls (for the benchmark).</summary>
    public PdqStageTimes StageTimes;
    public bool CollectStageTimes { get; set; }

    public PdqResult Hash(in PixelView image, PdqSizing sizing = PdqSizing.Reference512)
    {
        if (!Begin(image.Width, image.Height, sizing, out int rows, out int cols)) return new PdqResult(Hash256.Zero, 0);
        long t0 = Now();
        LumaSampler.Fill(image, rows, cols, _bufA, ColumnOffsets(image.Width, cols));
        int quality = Finish(rows, cols, t0);
        return new PdqResult(BitsOf(_dct), quality);
    }

    /// <summary>Hashes a JPEG's raw YCbCr planes, computing RGB only where the resize samples.</summary>
    public PdqResult Hash(in YccPlanes planes, PdqSizing sizing = PdqSizing.Reference512)
    {
        int quality = FromPlanes(planes, sizing);
        return quality < 0 ? new PdqResult(Hash256.Zero, 0) : new PdqResult(BitsOf(_dct), quality);
    }

    /// <summary>The eight dihedral hashes (order of <see cref="Dihedral"/>) from one decode and one DCT.</summary>
    public int HashDihedral(in PixelView image, Span<Hash256> hashes, PdqSizing sizing = PdqSizing.Reference512)
    {
        if (hashes.Length < 8) throw new ArgumentException("needs room for 8 hashes", nameof(hashes));
        if (!Begin(image.Width, image.Height, sizing, out int rows, out int cols)) return ZeroDihedral(hashes);
        long t0 = Now();
        LumaSampler.Fill(image, rows, cols, _bufA, ColumnOffsets(image.Width, cols));
        int quality = Finish(rows, cols, t0);
        DihedralBits(hashes);
        return quality;
    }

    public int HashDihedral(in YccPlanes planes, Span<Hash256> hashes, PdqSizing sizing = PdqSizing.Reference512)
    {
        if (hashes.Length < 8) throw new ArgumentException("needs room for 8 hashes", nameof(hashes));
        int quality = FromPlanes(planes, sizing);
        if (quality < 0) return ZeroDihedral(hashes);
        DihedralBits(hashes);
        return quality;
    }

    /// <summary>Quality, or -1 when the image is too small to hash.</summary>
    private int FromPlanes(in YccPlanes planes, PdqSizing sizing)
    {
        if (planes.Cb == null) throw new ArgumentException("greyscale planes are hashed as pixels", nameof(planes));
        if (!Begin(planes.Width, planes.Height, sizing, out int rows, out int cols)) return -1;
        long t0 = Now();
        var offsets = ColumnOffsets(planes.Width, cols);
        YccToRgb.SampleLuma(planes, rows, cols, _bufA, offsets, _chromaIdx, _chromaNbr, _chromaBias,
            LumaSampler.Rk, LumaSampler.Gk, LumaSampler.Bk);
        return Finish(rows, cols, t0);
    }

    private static int ZeroDihedral(Span<Hash256> hashes)
    {
        hashes[..8].Clear();
        return 0;
    }

    private void DihedralBits(Span<Hash256> hashes)
    {
        for (int d = 0; d < 8; d++)
        {
            DihedralTransform.Apply((Dihedral)d, _dct, _aux);
            hashes[d] = BitsOf(_aux);
        }
    }

    private long Now() => CollectStageTimes ? Stopwatch.GetTimestamp() : 0;

    /// <summary>The hashed size (the reference's 512x512 resize when larger); false when too small to hash.</summary>
    private bool Begin(int srcW, int srcH, PdqSizing sizing, out int rows, out int cols)
    {
        bool resize = sizing == PdqSizing.Reference512 && (srcW > ReferenceSize || srcH > ReferenceSize);
        cols = resize ? ReferenceSize : srcW;
        rows = resize ? ReferenceSize : srcH;
        if (rows < MinHashableDim || cols < MinHashableDim) return false;
        EnsureCapacity(rows, cols);
        return true;
    }

    /// <summary>Blur, decimation, quality and DCT of the luma in buffer A.</summary>
    private int Finish(int rows, int cols, long t0)
    {
        long t1 = Now();
        if (rows == 64 && cols == 64)
            Buffer.MemoryCopy(_bufA, _b64, 64 * 64 * sizeof(float), 64 * 64 * sizeof(float));
        else
            BlurAndDecimate(rows, cols);
        long t2 = Now();
        int quality = Quality(_b64);
        Dct16.Run(_b64, _t16x64, _dct);
        if (CollectStageTimes)
        {
            long t3 = Stopwatch.GetTimestamp();
            StageTimes.Resize += t1 - t0;
            StageTimes.Blur += t2 - t1;
            StageTimes.Dct += t3 - t2;
        }
        return quality;
    }

    /// <summary>
    /// The two Jarosz passes (rows, columns, rows, columns), each run down columns with
    /// transposes between, then the 64x64 decimation. The last two passes only produce the
    /// outputs the decimation reads.
    /// </summary>
    private void BlurAndDecimate(int rows, int cols)
    {
        int windowAlongRows = (cols + 127) / 128;
        int windowAlongCols = (rows + 127) / 128;
        for (int i = 0; i < 64; i++)
        {
            _sampleRows[i] = (int)(((2L * i + 1) * rows) / 128);
            _sampleCols[i] = (int)(((2L * i + 1) * cols) / 128);
        }
        Transpose.Run(_bufA, _bufB, rows, cols);                                    // B: cols x rows
        BoxFilter.AlongColumns(_bufB, _bufA, cols, rows, windowAlongRows, default); // A: cols x rows
        Transpose.Run(_bufA, _bufB, cols, rows);                                    // B: rows x cols
        BoxFilter.AlongColumns(_bufB, _bufA, rows, cols, windowAlongCols, default); // A: rows x cols
        Transpose.Run(_bufA, _bufB, rows, cols);                                    // B: cols x rows
        BoxFilter.AlongColumns(_bufB, _small, cols, rows, windowAlongRows, _sampleCols); // small: 64 x rows
        float* smallT = _small + 64 * rows;
        Transpose.Run(_small, smallT, 64, rows);                                    // rows x 64
        BoxFilter.AlongColumns(smallT, _b64, rows, 64, windowAlongCols, _sampleRows);    // 64 x 64
    }

    private ReadOnlySpan<int> ColumnOffsets(int srcW, int cols)
    {
        if (_colOffsets.Length < cols)
        {
            _colOffsets = new int[cols];
            _chromaIdx = new int[cols]; _chromaNbr = new int[cols]; _chromaBias = new int[cols];
        }
        // CImg's nearest-neighbour resize reads source column floor(x * W / outW).
        for (int x = 0; x < cols; x++) _colOffsets[x] = (int)((long)x * srcW / cols);
        return _colOffsets.AsSpan(0, cols);
    }

    private static int Quality(float* b)
    {
        int sum = 0;
        for (int i = 0; i < 63; i++)
            for (int j = 0; j < 64; j++)
            {
                int d = (int)((b[i * 64 + j] - b[(i + 1) * 64 + j]) * 100 / 255);
                sum += Math.Abs(d);
            }
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 63; j++)
            {
                int d = (int)((b[i * 64 + j] - b[i * 64 + j + 1]) * 100 / 255);
                sum += Math.Abs(d);
            }
        return Math.Min(sum / 90, 100);
    }

    private static Hash256 BitsOf(float* dct)
    {
        float median = Torben.Median(new ReadOnlySpan<float>(dct, 256));
        Span<ulong> w = stackalloc ulong[4];
        w.Clear();
        for (int k = 0; k < 256; k++)
            if (dct[k] > median) w[k >> 6] |= 1UL << (k & 63);
        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    private void EnsureCapacity(int rows, int cols)
    {
        int need = rows * cols;
        if (need > _capacity)
        {
            Free(ref _bufA); Free(ref _bufB);
            _bufA = Alloc(need);
            _bufB = Alloc(need);
            _capacity = need;
        }
        int smallNeed = 2 * 64 * Math.Max(rows, cols);
        if (smallNeed > _smallCapacity)
        {
            Free(ref _small);
            _small = Alloc(smallNeed);
            _smallCapacity = smallNeed;
        }
    }

    private static float* Alloc(int count) => (float*)NativeMemory.AlignedAlloc((nuint)count * sizeof(float), 64);

    private static void Free(ref float* p)
    {
        if (p != null) NativeMemory.AlignedFree(p);
        p = null;
    }

    /// <summary>Native bytes held by the scratch buffers that grow with the hashed size.</summary>
    public long RetainedBytes => ((long)_capacity * 2 + _smallCapacity) * sizeof(float);

    /// <summary>Frees the buffers that grew with the largest image seen; the hasher stays usable.</summary>
    public void ReleaseBuffers()
    {
        Free(ref _bufA); Free(ref _bufB); Free(ref _small);
        _capacity = _smallCapacity = 0;
    }

    private void FreeAll()
    {
        ReleaseBuffers();
        Free(ref _fixedBlock);
    }

    public void Dispose()
    {
        FreeAll();
        GC.SuppressFinalize(this);
    }

    ~PdqHasher() => FreeAll();
}

/// <summary>Accumulated Stopwatch ticks per stage.</summary>
public struct PdqStageTimes
{
    public long Resize, Blur, Dct;
}

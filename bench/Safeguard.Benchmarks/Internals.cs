using System.Runtime.CompilerServices;

namespace Safeguard.Benchmarks;

/// <summary>
/// The hasher's internal stages (Dct16, BoxFilter), called directly so each is measured alone.
/// Bound at JIT time with no reflection per call; names are checked when a benchmark first runs.
/// </summary>
internal static unsafe class Internals
{
    private const string Dct16Type = "Safeguard.Hashing.Pdq.Dct16, Safeguard.Hashing";
    private const string BoxFilterType = "Safeguard.Hashing.Pdq.BoxFilter, Safeguard.Hashing";

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Run")]
    public static extern void Dct16Run([UnsafeAccessorType(Dct16Type)] object? type, float* a, float* t, float* b);

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "AlongColumns")]
    public static extern void BoxFilterAlongColumns([UnsafeAccessorType(BoxFilterType)] object? type,
        float* src, float* dst, int rows, int cols, int window, ReadOnlySpan<int> sampleRows);
}

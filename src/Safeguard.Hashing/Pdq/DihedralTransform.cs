namespace Safeguard.Hashing.Pdq;

/// <summary>
/// Rotations and flips of an image act on its 16x16 DCT as sign flips of odd rows/columns and
/// a transpose, so the eight hashes need one DCT, not eight images.
/// </summary>
internal static unsafe class DihedralTransform
{
    public static void Apply(Dihedral d, float* a, float* b)
    {
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++)
            {
                float v = a[i * 16 + j];
                switch (d)
                {
                    case Dihedral.Original: b[i * 16 + j] = v; break;
                    case Dihedral.Rotate90: b[j * 16 + i] = (j & 1) != 0 ? v : -v; break;
                    case Dihedral.Rotate180: b[i * 16 + j] = ((i + j) & 1) != 0 ? -v : v; break;
                    case Dihedral.Rotate270: b[j * 16 + i] = (i & 1) != 0 ? v : -v; break;
                    case Dihedral.FlipX: b[i * 16 + j] = (i & 1) != 0 ? v : -v; break;
                    case Dihedral.FlipY: b[i * 16 + j] = (j & 1) != 0 ? v : -v; break;
                    case Dihedral.FlipPlus1: b[j * 16 + i] = v; break;
                    case Dihedral.FlipMinus1: b[j * 16 + i] = ((i + j) & 1) != 0 ? -v : v; break;
                }
            }
    }
}

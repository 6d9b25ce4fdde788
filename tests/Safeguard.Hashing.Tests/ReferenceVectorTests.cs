using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Hashing.Tests;

/// <summary>Every image of the reference test set gives exactly the reference CLI's hash and quality.</summary>
public class ReferenceVectorTests
{
    public static TheoryData<string, string, int> Expected()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var row in TestData.ReadCsv(Path.Combine(TestData.Pdq, "expected-reference.csv")))
            data.Add(row["path"], row["pdq"], int.Parse(row["quality"]));
        return data;
    }

    public static TheoryData<string, string[], int> ExpectedDihedral()
    {
        var data = new TheoryData<string, string[], int>();
        foreach (var row in TestData.ReadCsv(Path.Combine(TestData.Pdq, "expected-reference-dihedral.csv")))
        {
            string[] names = ["pdq_orig", "pdq_rot90", "pdq_rot180", "pdq_rot270", "pdq_flipx", "pdq_flipy", "pdq_flipplus1", "pdq_flipminus1"];
            data.Add(row["path"], names.Select(n => row[n]).ToArray(), int.Parse(row["quality"]));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void HashAndQualityEqualTheReference(string path, string expectedHash, int expectedQuality)
    {
        using var decoder = new ImageDecoder();
        using var hasher = new PdqHasher();
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Pdq, path));
        var result = hasher.Hash(decoder.Decode(bytes));
        Assert.Equal(expectedHash, result.Hash.ToString());
        Assert.Equal(expectedQuality, result.Quality);
    }

    [Theory]
    [MemberData(nameof(ExpectedDihedral))]
    public void DihedralHashesEqualTheReference(string path, string[] expected, int expectedQuality)
    {
        using var decoder = new ImageDecoder();
        using var hasher = new PdqHasher();
        var bytes = File.ReadAllBytes(Path.Combine(TestData.Pdq, path));
        var hashes = new Hash256[8];
        int quality = hasher.HashDihedral(decoder.Decode(bytes), hashes);
        Assert.Equal(expected, hashes.Select(h => h.ToString()).ToArray());
        Assert.Equal(expectedQuality, quality);
    }
}

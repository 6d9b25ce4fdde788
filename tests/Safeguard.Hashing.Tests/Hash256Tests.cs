using Safeguard.Hashing.Pdq;

namespace Safeguard.Hashing.Tests;

public class Hash256Tests
{
    [Fact]
    public void HexRoundTripsAndBitLayoutFollowsTheReference()
    {
        // Bit k lives in 16-bit word k/16, bit k%16; the text prints word 15 first.
        var h = Hash256.Zero.WithBitFlipped(0);
        Assert.Equal(new string('0', 63) + "1", h.ToString());
        h = Hash256.Zero.WithBitFlipped(255);
        Assert.Equal("8" + new string('0', 63), h.ToString());
        h = Hash256.Zero.WithBitFlipped(16);
        Assert.Equal(new string('0', 59) + "10000", h.ToString());
        var text = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";
        Assert.Equal(text, Hash256.Parse(text).ToString());
        Assert.Equal(text, Hash256.Parse(text.ToUpperInvariant()).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("d8f8")]
    [InlineData("g8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22")]
    [InlineData("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b2200")]
    public void BadHexIsRefused(string text) => Assert.False(Hash256.TryParse(text, out _));

    [Fact]
    public void DistanceCountsDifferingBits()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 100; trial++)
        {
            var a = Random(rng);
            var b = Random(rng);
            string sa = a.ToString(), sb = b.ToString();
            int expected = 0;
            for (int i = 0; i < 64; i++)
                expected += System.Numerics.BitOperations.PopCount((uint)(Convert.ToInt32(sa[i].ToString(), 16) ^ Convert.ToInt32(sb[i].ToString(), 16)));
            Assert.Equal(expected, a.DistanceTo(b));
        }
    }

    private static Hash256 Random(Random rng) =>
        new((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64());
}

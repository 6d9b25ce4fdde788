using Safeguard.Hashing.Imaging;
using Safeguard.Hashing.Pdq;

namespace Safeguard.Hashing.Tests;

/// <summary>The SIMD hasher against the plain implementation, on sizes the reference set lacks.</summary>
public class OptimisedVersusNaiveTests
{
    [Theory]
    [InlineData(5, 5)]
    [InlineData(4, 100)]
    [InlineData(64, 64)]
    [InlineData(63, 65)]
    [InlineData(7, 300)]
    [InlineData(300, 7)]
    [InlineData(129, 257)]
    [InlineData(512, 512)]
    [InlineData(511, 333)]
    [InlineData(1000, 3)]
    public void RandomSmoothImagesHashTheSame(int width, int height)
    {
        var rng = new Random(width * 7919 + height);
        var rgba = new byte[width * height * 4];
        // Smooth gradients plus noise: enough structure that many DCT coefficients matter.
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int o = (y * width + x) * 4;
                rgba[o] = (byte)Math.Clamp(128 + 100 * Math.Sin(x * 0.05 + y * 0.02) + rng.Next(-20, 20), 0, 255);
                rgba[o + 1] = (byte)Math.Clamp(128 + 100 * Math.Cos(y * 0.07) + rng.Next(-20, 20), 0, 255);
                rgba[o + 2] = (byte)rng.Next(256);
                rgba[o + 3] = 255;
            }
        var luma = new float[width * height];
        for (int i = 0; i < luma.Length; i++) luma[i] = NaivePdq.Luma(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]);
        var expected = NaivePdq.HashLuma(luma, height, width);

        using var hasher = new PdqHasher();
        var actual = hasher.Hash(new PixelView(rgba, width, height, width * 4, PixelLayout.Rgba8888), PdqSizing.FullResolution);
        Assert.Equal(expected.Hash, actual.Hash.ToString());
        Assert.Equal(expected.Quality, actual.Quality);
    }

    [Fact]
    public void GreyImagesUseTheGreyValueAsLuminance()
    {
        int w = 200, h = 150;
        var rng = new Random(3);
        var grey = new byte[w * h];
        rng.NextBytes(grey);
        var expected = NaivePdq.HashLuma(grey.Select(g => (float)g).ToArray(), h, w);
        using var hasher = new PdqHasher();
        var actual = hasher.Hash(new PixelView(grey, w, h, w, PixelLayout.Gray8));
        Assert.Equal(expected.Hash, actual.Hash.ToString());
    }

    [Fact]
    public void TheHasherIsReusableAcrossSizes()
    {
        using var hasher = new PdqHasher();
        var rng = new Random(11);
        foreach (var (w, h) in new[] { (600, 400), (40, 30), (800, 900), (64, 64), (600, 400) })
        {
            var grey = new byte[w * h];
            rng.NextBytes(grey);
            var expected = NaivePdq.HashLuma(grey.Select(g => (float)g).ToArray(), h, w);
            Assert.Equal(expected.Hash, hasher.Hash(new PixelView(grey, w, h, w, PixelLayout.Gray8), PdqSizing.FullResolution).Hash.ToString());
        }
    }
}

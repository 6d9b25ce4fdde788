using Safeguard.Hashing.Imaging;

namespace Safeguard.Hashing.Tests;

public sealed class ImageFormatSnifferTests
{
    [Theory]
    [InlineData("misc-images/c.png", ImageFormat.Png)]
    [InlineData("bridge-mods/aaa-orig.jpg", ImageFormat.Jpeg)]
    [InlineData("misc-images/modes/F.webp", ImageFormat.WebP)]
    public void Recognises_the_test_images_by_their_magic_bytes(string rel, ImageFormat expected)
    {
        Assert.Equal(expected, ImageFormatSniffer.Sniff(File.ReadAllBytes(Path.Combine(TestData.Pdq, rel))));
    }

    [Fact]
    public void Text_is_not_an_image()
    {
        Assert.Equal(ImageFormat.Unknown, ImageFormatSniffer.Sniff("hello, world\n"u8));
        // The PNG signature's first byte is 0x89, not its UTF-8 encoding (C2 89).
        Assert.Equal(ImageFormat.Unknown, ImageFormatSniffer.Sniff([0xC2, 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]));
    }
}

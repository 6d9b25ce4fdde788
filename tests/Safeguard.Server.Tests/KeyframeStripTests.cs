using Safeguard.Hashing.Pdq;
using Safeguard.Server.Media;
using Safeguard.Video.Vpdq;
using SkiaSharp;

namespace Safeguard.Server.Tests;

public sealed class KeyframeStripTests
{
    private static byte[] Solid(int width, int height, SKColor colour)
    {
        using var bmp = new SKBitmap(width, height);
        bmp.Erase(colour);
        using var data = bmp.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    [Fact]
    public void Frames_are_laid_out_three_to_a_row_each_fitted_and_centred_in_its_cell()
    {
        SKColor[] colours = [SKColors.Red, SKColors.Lime, SKColors.Blue, SKColors.Yellow];
        var frames = colours.Select((c, i) => i == 3 ? Solid(100, 100, c) : Solid(640, 360, c)).ToList();
        using var sheet = SKBitmap.Decode(KeyframeStrip.Compose(frames)!);
        Assert.Equal((976, 368), (sheet.Width, sheet.Height));
        Assert.Equal(SKColors.Red, sheet.GetPixel(160, 90));
        Assert.Equal(SKColors.Lime, sheet.GetPixel(328 + 160, 90));
        Assert.Equal(SKColors.Blue, sheet.GetPixel(656 + 160, 90));
        // The square frame is 180x180 in the middle of its 320x180 cell on the second row: black either side.
        Assert.Equal(SKColors.Yellow, sheet.GetPixel(160, 188 + 90));
        Assert.Equal(SKColors.Black, sheet.GetPixel(30, 188 + 90));
        Assert.Equal(SKColors.Black, sheet.GetPixel(290, 188 + 90));
        Assert.Equal(SKColors.Black, sheet.GetPixel(324, 90)); // the gap
    }

    [Fact]
    public void The_shown_strip_is_greyscale_each_cell_blurred_on_its_own_and_the_gaps_stay_black()
    {
        var strip = KeyframeStrip.Compose([Solid(320, 180, SKColors.Red), Solid(320, 180, SKColors.Lime), Solid(320, 180, SKColors.Blue)])!;
        using var shown = SKBitmap.Decode(KeyframeStrip.RenderBlurred(strip, 24)!);
        Assert.Equal((976, 180), (shown.Width, shown.Height));
        // The centre of a solid cell keeps its Rec. 601 luma: red 76, green 150, blue 29.
        int[] luma = [76, 150, 29];
        for (int i = 0; i < 3; i++)
        {
            var c = shown.GetPixel(i * 328 + 160, 90);
            Assert.Equal(c.Red, c.Green);
            Assert.Equal(c.Green, c.Blue);
            Assert.InRange(c.Red, luma[i] - 3, luma[i] + 3);
        }
        Assert.Equal(SKColors.Black, shown.GetPixel(324, 90));
        // Blurred, not drawn as is: the cell's edge takes in the black beside it.
        Assert.True(shown.GetPixel(328 + 1, 90).Red < 140);
    }

    [Fact]
    public void Undecodable_frames_are_left_out_and_none_at_all_gives_no_strip()
    {
        Assert.Null(KeyframeStrip.Compose([[1, 2, 3], []]));
        using var one = SKBitmap.Decode(KeyframeStrip.Compose([[1, 2, 3], Solid(320, 180, SKColors.White)])!);
        Assert.Equal((320, 180), (one.Width, one.Height));
    }

    [Fact]
    public void Times_spread_evenly_over_useful_frames_first_and_last_included()
    {
        var frames = Enumerable.Range(0, 20).Select(i => new VpdqFrame(i, i == 1 ? 10 : 100, default, i)).ToList();
        // Useful: 0, 2..19 (19 times); spread over six: positions 0, 3.6, 7.2, 10.8, 14.4, 18 of that list, rounded to 0, 4, 7, 11, 14, 18.
        Assert.Equal([0.0, 5, 8, 12, 15, 19], KeyframeStrip.ChooseSeconds(frames));
        Assert.Equal([3.0, 4], KeyframeStrip.ChooseSeconds([new VpdqFrame(0, 90, default, 3), new VpdqFrame(1, 90, default, 4)]));
        // Nothing useful: every frame counts.
        Assert.Equal([0.0, 1], KeyframeStrip.ChooseSeconds([new VpdqFrame(0, 0, default, 0), new VpdqFrame(1, 0, default, 1)]));
    }
}

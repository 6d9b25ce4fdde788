namespace Safeguard.Matching.Tests;

public class ExactIndexTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(32)]
    public void Lookups_equal_a_dictionary_model_through_adds_and_removes(int keyLength)
    {
        var rng = new Random(keyLength);
        var keys = Enumerable.Range(0, 3_000).Select(_ => { var k = new byte[keyLength]; rng.NextBytes(k); return k; }).ToArray();
        var model = new Dictionary<string, List<int>>();
        var index = new ExactIndex(keyLength);
        for (int step = 0; step < 20_000; step++)
        {
            var key = keys[rng.Next(keys.Length)];
            string hex = Convert.ToHexString(key);
            int id = rng.Next(5);
            if (rng.Next(3) > 0)
            {
                index.Add(key, id);
                if (!model.TryGetValue(hex, out var list)) model[hex] = list = [];
                list.Add(id);
            }
            else
            {
                int expected = model.TryGetValue(hex, out var list) ? list.RemoveAll(x => x == id) : 0;
                Assert.Equal(expected, index.Remove(key, id));
            }
        }
        var found = new List<int>();
        foreach (var key in keys)
        {
            found.Clear();
            var expected = model.GetValueOrDefault(Convert.ToHexString(key)) ?? [];
            Assert.Equal(expected.Count, index.Find(key, found));
            Assert.Equal(expected.Order(), found.Order());
            Assert.Equal(expected.Count > 0, index.Contains(key));
        }
        Assert.Equal(model.Values.Sum(v => v.Count), index.Count);
    }

    [Fact]
    public void Build_then_find_every_key_and_no_absent_key()
    {
        var rng = new Random(3);
        var keys = new byte[50_000 * 16];
        rng.NextBytes(keys);
        var index = ExactIndex.Build(16, keys, TestBanks.Sequence(50_000));
        var found = new List<int>();
        for (int i = 0; i < 50_000; i++)
        {
            found.Clear();
            index.Find(keys.AsSpan(i * 16, 16), found);
            Assert.Contains(i, found);
        }
        var absent = new byte[16];
        rng.NextBytes(absent);
        Assert.False(index.Contains(absent));
    }

    [Fact]
    public void Wrong_key_length_is_a_clear_error()
    {
        var index = new ExactIndex(20);
        var ex = Assert.Throws<ArgumentException>(() => index.Add(new byte[16], 1));
        Assert.Contains("16 bytes", ex.Message);
        Assert.Throws<ArgumentException>(() => index.Contains(new byte[32]));
        Assert.Throws<ArgumentException>(() => ExactIndex.Build(16, new byte[17], [1]));
    }
}

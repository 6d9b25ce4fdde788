using Safeguard.Banks;
using Safeguard.Signals;

namespace Safeguard.Banks.Tests;

/// <summary>Generated hashes (random hex of the right length) for tests; no real list content.</summary>
internal static class TestData
{
    public static string Hex(Random rng, int length)
    {
        const string digits = "0123456789abcdef";
        return string.Create(length, rng, static (span, r) => { for (int i = 0; i < span.Length; i++) span[i] = digits[r.Next(16)]; });
    }

    public static EntryRecord Random(Random rng, SignalType type) => new(type, Hex(rng, SignalTypes.HexLength(type)));

    public static List<EntryRecord> Many(int count, int seed = 1)
    {
        var rng = new Random(seed);
        var types = new SignalType[] { SignalTypes.Pdq, SignalTypes.Md5, SignalTypes.Sha1, SignalTypes.Sha256 };
        var list = new List<EntryRecord>(count);
        for (int i = 0; i < count; i++)
        {
            var r = Random(rng, types[i % types.Length]);
            list.Add(r with
            {
                ContentId = i % 3 == 0 ? null : "c" + i,
                Category = i % 5 == 0 ? null : i % 5,
                Grade = i % 7 == 0 ? "ABC"[i % 3].ToString() : null,
                Tags = i % 4 == 0 ? ["t" + (i % 10), "shared"] : [],
            });
        }
        return list;
    }

    /// <summary>A sequence that yields some records and then fails like a file cut off half-way.</summary>
    public static IEnumerable<EntryRecord> FailingAfter(IEnumerable<EntryRecord> records, int count)
    {
        int n = 0;
        foreach (var r in records)
        {
            if (n++ == count) throw new BankFormatException("broken.json", 42, "JSON ends early (truncated file?)");
            yield return r;
        }
        throw new BankFormatException("broken.json", 42, "JSON ends early (truncated file?)");
    }

    public static string Key(EntryRecord r) => r.Type.Name + ":" + r.Value;

    public static string Describe(EntryRecord r) =>
        $"{r.Type.Name}|{r.Value}|{r.ContentId}|{r.Category}|{r.Grade}|{string.Join(";", r.Tags)}";

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}

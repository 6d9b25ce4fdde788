using System.Buffers.Binary;
using Safeguard.Conversations.Models;
using Safeguard.Conversations.Training;

namespace Safeguard.Conversations.Training.Tests;

public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-model-").FullName;
    private static readonly Lazy<byte[]> Bytes = new(() => ModelFile.Serialize(
        new ConversationTrainer(RepositorySet.Options()).Train(RepositorySet.All, [RepositorySet.Directory]).Model));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_saved_model_loads_back_with_every_part()
    {
        var original = ModelFile.Parse(Bytes.Value);
        var path = Path.Combine(_dir, "sub", "m.sgmodel");
        ModelFile.Save(original, path);
        var loaded = ModelFile.Load(path);
        Assert.Equal(original.Terms, loaded.Terms);
        Assert.Equal(original.Weights, loaded.Weights);
        Assert.Equal(original.Idf, loaded.Idf);
        Assert.Equal(original.DenseWeights, loaded.DenseWeights);
        Assert.Equal(original.Threshold, loaded.Threshold);
        Assert.Equal(original.Training!.DataSha256, loaded.Training!.DataSha256);
        Assert.Equal(original.Training.Sources, loaded.Training.Sources);
        Assert.Equal(original.Training.TrainedAt, loaded.Training.TrainedAt);
        Assert.Equal(original.CrossValidation!.Pooled, loaded.CrossValidation!.Pooled);
        Assert.True(ModelFile.LooksLikeModel(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temporary file left
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped")]
    [InlineData("header-only")]
    [InlineData("empty")]
    [InlineData("onnx")]
    [InlineData("newer")]
    [InlineData("older")]
    public void A_damaged_or_foreign_file_is_refused_with_a_reason_naming_it(string damage)
    {
        var bytes = (byte[])Bytes.Value.Clone();
        byte[] damaged = damage switch
        {
            "truncated" => bytes[..(bytes.Length / 2)],
            "flipped" => Flip(bytes, bytes.Length - 100),
            "header-only" => bytes[..20],
            "empty" => [],
            "onnx" => [0x08, 0x07, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74],
            "newer" => WithVersion(bytes, 2),
            _ => WithVersion(bytes, 0),
        };
        var path = Write($"{damage}.sgmodel", damaged);
        var ex = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
        var expected = damage switch
        {
            "truncated" or "flipped" => "corrupt or truncated",
            "header-only" => "truncated",
            "empty" or "onnx" => "not a Safeguard conversation model",
            "newer" => "newer Safeguard",
            _ => "not supported",
        };
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_envelope_around_a_bad_payload_is_refused()
    {
        // A correct hash over a payload that is not gzip, then over gzip of JSON with missing parts.
        foreach (var payload in new[] { "not gzip"u8.ToArray(), Gzip("{\"format\":\"safeguard-conversation-model\",\"kind\":\"ngram-linear\"}"),
                     Gzip("{\"format\":\"other\"}"), Gzip("[1,2,3]") })
        {
            var ex = Assert.Throws<ModelFormatException>(() => ModelFile.Parse(Envelope(payload)));
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }
    }

    [Fact]
    public void A_decompression_bomb_is_refused_without_expanding_it()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 2100; i++) gzip.Write(zeros); // 2.1 GB of zeros, a few MB compressed
        }
        var before = GC.GetTotalAllocatedBytes();
        var ex = Assert.Throws<ModelFormatException>(() => ModelFile.Parse(Envelope(buffer.ToArray())));
        Assert.Contains("not readable", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 512L * 1024 * 1024, "the payload was expanded in memory");
    }

    [Fact]
    public void Random_damage_under_a_valid_hash_gives_a_clear_error_or_a_usable_model()
    {
        // Recomputing the hash after each mutation lets the damage reach the gzip and JSON layers.
        var payload = Bytes.Value[44..];
        var random = new Random(11);
        var refused = 0;
        for (var i = 0; i < 300; i++)
        {
            var damaged = (byte[])payload.Clone();
            for (var n = random.Next(1, 4); n > 0; n--) damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            if (i % 3 == 0) damaged = damaged[..random.Next(damaged.Length)];
            try
            {
                var model = ModelFile.Parse(Envelope(damaged));
                var stream = new Safeguard.Conversations.Analysis.StreamingConversationAnalyzer(null, new() { Model = model });
                stream.Add(new("a", null, "send me a pic"));
                Assert.InRange(stream.Score, 0, 1);
            }
            catch (ModelFormatException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                refused++;
            }
        }
        Assert.True(refused > 200, $"{refused} of 300 damaged payloads refused");
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionMode.Compress, leaveOpen: true))
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    private static byte[] Envelope(byte[] payload)
    {
        var bytes = new byte[44 + payload.Length];
        "SGCMODEL"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), ModelFile.FormatVersion);
        System.Security.Cryptography.SHA256.HashData(payload, bytes.AsSpan(12, 32));
        payload.CopyTo(bytes, 44);
        return bytes;
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at] ^= 0x40;
        return bytes;
    }

    private static byte[] WithVersion(byte[] bytes, int version)
    {
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), version);
        return bytes;
    }
}

using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Safeguard.Conversations.Models;

/// <summary>The JSON payload of a model file. Float arrays are base64 of little-endian IEEE 754 singles.</summary>
internal sealed record ModelDocument
{
    public const string FormatName = "safeguard-conversation-model";

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        MaxDepth = 16,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public string? Format { get; init; }
    public string? Kind { get; init; }
    public string? Language { get; init; }
    public double Threshold { get; init; }
    public double Bias { get; init; }
    public NgramSettings? Ngrams { get; init; }
    public TrainingSettings? Settings { get; init; }
    public List<string>? DenseNames { get; init; }
    public string? DenseWeights { get; init; }
    public List<string>? Terms { get; init; }
    public string? TermKinds { get; init; }
    public string? Weights { get; init; }
    public string? Idf { get; init; }
    public TrainingSummary? Training { get; init; }
    public CrossValidation? CrossValidation { get; init; }

    public static ModelDocument From(ConversationModel model) => new()
    {
        Format = FormatName,
        Kind = model.Kind,
        Language = model.Language,
        Threshold = model.Threshold,
        Bias = model.Bias,
        Ngrams = model.Ngrams,
        Settings = model.Settings,
        DenseNames = [.. model.DenseNames],
        DenseWeights = Encode(model.DenseWeights),
        Terms = [.. model.Terms],
        TermKinds = new string([.. model.Kinds.Select(k => k == NgramKind.Word ? 'w' : 'c')]),
        Weights = Encode(model.Weights),
        Idf = Encode(model.Idf),
        Training = model.Training,
        CrossValidation = model.CrossValidation,
    };

    public ConversationModel ToModel()
    {
        if (Format != FormatName) throw new ModelFormatException($"the payload's format is \"{Format}\", not \"{FormatName}\"");
        if (Kind != ConversationModel.LinearKind) throw new ModelFormatException($"model kind \"{Kind}\" is not known to this version (it reads \"{ConversationModel.LinearKind}\")");
        var terms = Terms ?? throw Missing("terms");
        var kindText = TermKinds ?? throw Missing("termKinds");
        var kinds = new NgramKind[kindText.Length];
        for (var i = 0; i < kindText.Length; i++)
            kinds[i] = kindText[i] switch
            {
                'w' => NgramKind.Word,
                'c' => NgramKind.Character,
                _ => throw new ModelFormatException($"term kind '{kindText[i]}' at {i} is neither w nor c"),
            };
        if (terms.Any(t => t is null or "")) throw new ModelFormatException("a model term is empty");
        return new ConversationModel(Language ?? "en", Ngrams ?? throw Missing("ngrams"), [.. terms], kinds,
            Decode(Weights, "weights"), Decode(Idf, "idf"), DenseNames ?? throw Missing("denseNames"), Decode(DenseWeights, "denseWeights"),
            Bias, Threshold, Settings ?? new TrainingSettings(), Training, CrossValidation);
    }

    private static ModelFormatException Missing(string field) => new($"the model has no \"{field}\"");

    private static string Encode(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Convert.ToBase64String(bytes);
    }

    private static float[] Decode(string? base64, string field)
    {
        if (base64 is null) throw Missing(field);
        byte[] bytes;
        try { bytes = Convert.FromBase64String(base64); }
        catch (FormatException ex) { throw new ModelFormatException($"\"{field}\" is not base64", ex); }
        if (bytes.Length % 4 != 0) throw new ModelFormatException($"\"{field}\" is not a whole number of 4-byte floats");
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return values;
    }
}

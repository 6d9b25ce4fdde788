using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Safeguard.Conversations.Analysis;

namespace Safeguard.Payments.Analysis;

/// <summary>
/// Weights, thresholds and lists of the payment indicators, from <c>data/payments/indicators.json</c>
/// (embedded) or a file given with <c>--indicators</c>. No number that decides a flag lives in code.
/// </summary>
public sealed record IndicatorSettings
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public LevelSettings Levels { get; init; } = new();
    public string[] HighRiskCountries { get; init; } = [];
    public double SmallAmount { get; init; } = 500;
    public NightSettings Night { get; init; } = new();
    public Dictionary<string, int> UtcOffsets { get; init; } = [];
    public string[] InnocuousDescriptions { get; init; } = [];
    public SoftwareSettings Software { get; init; } = new();
    public int[] GiftMccs { get; init; } = [];
    public int[] CryptoMccs { get; init; } = [];
    public double CryptoWindowDays { get; init; } = 7;
    public PurchaserSettings Purchaser { get; init; } = new();
    public FacilitatorSettings Facilitator { get; init; } = new();

    public RiskThresholds Thresholds => new(Levels.Low, Levels.Medium, Levels.High, Levels.Critical);

    private static readonly Lazy<IndicatorSettings> Embedded = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("payments/indicators.json")
            ?? throw new InvalidOperationException("the embedded payments/indicators.json is missing");
        return Parse(stream, "embedded indicators.json");
    });

    public static IndicatorSettings Default => Embedded.Value;

    public static IndicatorSettings Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    private static IndicatorSettings Parse(Stream stream, string name)
    {
        try
        {
            var s = JsonSerializer.Deserialize<IndicatorSettings>(stream, Json) ?? throw new FormatException($"{name}: empty");
            s.Validate(name);
            return s;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{name}: {e.Message}", e);
        }
    }

    private void Validate(string name)
    {
        if (!(Levels.Low < Levels.Medium && Levels.Medium < Levels.High && Levels.High < Levels.Critical && Levels.Critical <= 1))
            throw new FormatException($"{name}: levels must rise low < medium < high < critical <= 1");
        foreach (var c in HighRiskCountries)
            if (!Feed.CountryCode.TryParse(c, out var code) || code.IsNone) throw new FormatException($"{name}: '{c}' is not a two-letter country code");
        foreach (var c in UtcOffsets.Keys)
            if (!Feed.CountryCode.TryParse(c, out var code) || code.IsNone) throw new FormatException($"{name}: utc_offsets '{c}' is not a two-letter country code");
    }
}

public sealed record LevelSettings
{
    public double Low { get; init; } = 0.2;
    public double Medium { get; init; } = 0.4;
    public double High { get; init; } = 0.6;
    public double Critical { get; init; } = 0.85;
}

public sealed record NightSettings
{
    public int FromHour { get; init; } = 18;
    public int ToHour { get; init; } = 4;
}

public sealed record SoftwareSettings
{
    public int[] Mccs { get; init; } = [];
    public string[] Words { get; init; } = [];
}

public sealed record Weighted
{
    public double Weight { get; init; }
    public double HalfCount { get; init; } = 10;
    public int MinTransfers { get; init; }
    public int MinRecipients { get; init; } = 2;
    public int MinSenders { get; init; } = 3;
    public int MinPairs { get; init; } = 1;
    public int MinDays { get; init; } = 10;
    public double MinShare { get; init; }
    public double RateRatio { get; init; } = 2;
    public double AmountRatio { get; init; } = 1.5;
    public double AtmWeight { get; init; }
    public double GiftWeight { get; init; }
    public double SenderScore { get; init; } = 0.4;
}

public sealed record PurchaserSettings
{
    public Weighted SmallCrossBorder { get; init; } = new();
    public Weighted FrequencyEscalation { get; init; } = new();
    public Weighted SeveralRecipients { get; init; } = new();
    public Weighted EveningNight { get; init; } = new();
    public Weighted InnocuousDescription { get; init; } = new();
    public Weighted CaptureSoftware { get; init; } = new();
    public Weighted Travel { get; init; } = new();
    public Weighted CryptoThenTransfer { get; init; } = new();
    public Weighted PaysFacilitator { get; init; } = new();
    public Weighted KnownFacilitator { get; init; } = new();
    public double RegularDamping { get; init; } = 0.25;
    public double RegularMaxCv { get; init; } = 0.35;
    public double RegularMinIntervalDays { get; init; } = 6;
}

public sealed record FacilitatorSettings
{
    public Weighted ManyForeignSenders { get; init; } = new();
    public Weighted SendersOfConcern { get; init; } = new();
    public Weighted SmallAmounts { get; init; } = new();
    public Weighted KnownFacilitator { get; init; } = new();
}

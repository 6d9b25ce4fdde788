namespace Safeguard.Payments.Synthetic;

/// <summary>A country code with a relative weight, for drawing home and destination countries.</summary>
public readonly record struct WeightedCountry(string Country, double Weight);

/// <summary>
/// Everything that shapes a synthetic feed. Two presets: <see cref="Tuned"/> (what the detector
/// is developed on) and <see cref="Unseen"/> (other amounts, rates, escalation, countries and
/// group sizes, for an honest evaluation). Amounts are in USD, the rates table's base currency.
/// </summary>
public sealed record FeedSettings
{
    public int Seed { get; init; } = 1;
    public int Days { get; init; } = 365;
    public DateOnly Start { get; init; } = new(2025, 1, 1);
    /// <summary>Name written to the truth file ("tuned", "unseen" or "custom").</summary>
    public string Preset { get; init; } = "custom";

    // Planted offences.
    public int Purchasers { get; init; } = 60;
    public int Facilitators { get; init; } = 15;
    /// <summary>Share of purchasers that are hard to see: one facilitator, daytime, low flat rate, no software or travel.</summary>
    public double HardPurchaserShare { get; init; } = 0.2;
    /// <summary>Share of facilitators that get only two purchasers (the rest get 3..<see cref="MaxPurchasersPerFacilitator"/>).</summary>
    public double SmallFacilitatorShare { get; init; } = 0.15;
    public int MaxPurchasersPerFacilitator { get; init; } = 10;
    public decimal PurchaseMin { get; init; } = 20m;
    public decimal PurchaseMax { get; init; } = 80m;
    /// <summary>The amount range's upper end grows by this factor over a purchaser's active period (start: min + (max-min)/factor).</summary>
    public double Escalation { get; init; } = 2.0;
    /// <summary>Payments per week to facilitators at the start and at the end of a purchaser's active period.</summary>
    public double WeeklyRateStart { get; init; } = 1.0;
    public double WeeklyRateEnd { get; init; } = 10.0;
    /// <summary>Share of payments sent in the sender's local evening or night (19:00-02:59).</summary>
    public double EveningShare { get; init; } = 0.85;
    /// <summary>Share of payments to facilitators that are larger one-offs (up to <see cref="LargePaymentMax"/>, still under 500).</summary>
    public double LargePaymentShare { get; init; } = 0.03;
    public decimal LargePaymentMax { get; init; } = 450m;
    public double CryptoUserShare { get; init; } = 0.2;
    public double SoftwareBuyerShare { get; init; } = 0.7;
    public double TravellerShare { get; init; } = 0.3;

    // Hard negatives (accounts or families per group).
    public int FamilyRemitters { get; init; } = 40;
    public int WeeklyToppers { get; init; } = 30;
    public int PartnersAbroad { get; init; } = 25;
    public int SiblingFamilies { get; init; } = 10;
    public int Charities { get; init; } = 4;
    public int DonorsPerCharity { get; init; } = 40;
    public int OnlineSellers { get; init; } = 10;
    public int Tourists { get; init; } = 30;
    public int RemittanceTravellers { get; init; } = 12;
    public decimal FamilyRemittanceMin { get; init; } = 200m;
    public decimal FamilyRemittanceMax { get; init; } = 1500m;
    public decimal TopUpMin { get; init; } = 20m;
    public decimal TopUpMax { get; init; } = 60m;

    // Volume.
    public int Ordinary { get; init; } = 1500;
    public int MerchantsPerCountry { get; init; } = 25;
    /// <summary>When set, <see cref="Ordinary"/> is replaced by the number of ordinary customers that brings the feed to about this many transactions.</summary>
    public long? TargetTransactions { get; init; }

    // Output.
    /// <summary>Also emit EUR, GBP and AUD for some accounts in those currencies' countries.</summary>
    public bool MultipleCurrencies { get; init; }

    /// <summary>Rich countries where purchasers (and most other customers) live.</summary>
    public IReadOnlyList<WeightedCountry> SenderCountries { get; init; } =
    [
        new("AU", 0.25), new("US", 0.25), new("GB", 0.15), new("CA", 0.10), new("DE", 0.07),
        new("NL", 0.05), new("SE", 0.05), new("NO", 0.04), new("NZ", 0.04),
    ];

    /// <summary>Facilitators' countries (published destinations, the Philippines most often).</summary>
    public IReadOnlyList<WeightedCountry> FacilitatorCountries { get; init; } =
    [
        new("PH", 0.55), new("TH", 0.10), new("CO", 0.08), new("DO", 0.06), new("MX", 0.06),
        new("GH", 0.04), new("UA", 0.04), new("RO", 0.04), new("JM", 0.03),
    ];

    /// <summary>Where legitimate relatives, partners, charities and sellers are (overlapping the facilitators' countries on purpose).</summary>
    public IReadOnlyList<WeightedCountry> FamilyCountries { get; init; } =
    [
        new("PH", 0.35), new("TH", 0.12), new("CO", 0.10), new("MX", 0.10), new("IN", 0.10),
        new("VN", 0.08), new("DO", 0.05), new("GH", 0.05), new("UA", 0.05),
    ];

    /// <summary>The settings the detector is tuned on.</summary>
    public static FeedSettings Tuned(int seed = 1) => new() { Seed = seed, Preset = "tuned" };

    /// <summary>Different ranges for evaluation on data the detector was not tuned on.</summary>
    public static FeedSettings Unseen(int seed = 2) => new()
    {
        Seed = seed,
        Preset = "unseen",
        Purchasers = 80,
        Facilitators = 22,
        HardPurchaserShare = 0.3,
        SmallFacilitatorShare = 0.25,
        MaxPurchasersPerFacilitator = 8,
        PurchaseMin = 15m,
        PurchaseMax = 120m,
        Escalation = 3.0,
        WeeklyRateStart = 0.5,
        WeeklyRateEnd = 6.0,
        EveningShare = 0.7,
        LargePaymentShare = 0.05,
        LargePaymentMax = 480m,
        CryptoUserShare = 0.3,
        SoftwareBuyerShare = 0.5,
        TravellerShare = 0.2,
        FamilyRemitters = 60,
        WeeklyToppers = 45,
        PartnersAbroad = 40,
        SiblingFamilies = 15,
        Charities = 6,
        DonorsPerCharity = 30,
        OnlineSellers = 15,
        Tourists = 45,
        RemittanceTravellers = 20,
        FamilyRemittanceMin = 150m,
        FamilyRemittanceMax = 1200m,
        TopUpMin = 15m,
        TopUpMax = 80m,
        Ordinary = 2000,
        SenderCountries =
        [
            new("US", 0.30), new("GB", 0.20), new("AU", 0.12), new("CA", 0.08), new("DE", 0.08),
            new("NL", 0.05), new("SE", 0.04), new("NO", 0.03), new("CH", 0.05), new("IE", 0.05),
        ],
        FacilitatorCountries =
        [
            new("PH", 0.40), new("TH", 0.12), new("CO", 0.12), new("DO", 0.08), new("MX", 0.10),
            new("GH", 0.05), new("UA", 0.05), new("RO", 0.05), new("JM", 0.03),
        ],
        FamilyCountries =
        [
            new("PH", 0.25), new("MX", 0.15), new("CO", 0.12), new("TH", 0.10), new("IN", 0.10),
            new("VN", 0.08), new("RO", 0.08), new("JM", 0.06), new("UA", 0.06),
        ],
    };

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        static void Check(bool ok, string what) { if (!ok) throw new ArgumentException($"feed settings: {what}"); }
        Check(Days is >= 28 and <= 3660, $"Days must be 28..3660, got {Days}");
        Check(Purchasers >= 1 && Facilitators >= 1, "at least one purchaser and one facilitator");
        Check(Purchasers * 3 >= Facilitators * 2, "too few purchasers for every facilitator to have two");
        Check(MaxPurchasersPerFacilitator >= 3, "MaxPurchasersPerFacilitator must be at least 3");
        Check(PurchaseMin > 0 && PurchaseMax > PurchaseMin && LargePaymentMax >= PurchaseMax, "purchase amounts must be 0 < min < max <= large max");
        Check(Escalation >= 1, "Escalation must be at least 1");
        Check(WeeklyRateStart > 0 && WeeklyRateEnd > 0 && WeeklyRateEnd <= 100, "weekly rates must be in (0, 100]");
        foreach (var (name, v) in new[] { ("HardPurchaserShare", HardPurchaserShare), ("SmallFacilitatorShare", SmallFacilitatorShare), ("EveningShare", EveningShare), ("LargePaymentShare", LargePaymentShare), ("CryptoUserShare", CryptoUserShare), ("SoftwareBuyerShare", SoftwareBuyerShare), ("TravellerShare", TravellerShare) })
            Check(v is >= 0 and <= 1, $"{name} must be 0..1, got {v}");
        Check(FamilyRemitters >= 0 && WeeklyToppers >= 0 && PartnersAbroad >= 0 && SiblingFamilies >= 0 && Charities >= 0 && OnlineSellers >= 0 && Tourists >= 0 && RemittanceTravellers >= 0 && Ordinary >= 0, "group sizes must not be negative");
        Check(DonorsPerCharity >= 2, "DonorsPerCharity must be at least 2");
        Check(MerchantsPerCountry >= 1, "MerchantsPerCountry must be at least 1");
        Check(FamilyRemittanceMin > 0 && FamilyRemittanceMax >= FamilyRemittanceMin && TopUpMin > 0 && TopUpMax >= TopUpMin, "family amounts must be 0 < min <= max");
        Check(TargetTransactions is null or (> 0 and <= 2_000_000_000), "TargetTransactions must be 1..2000000000");
        foreach (var list in new[] { SenderCountries, FacilitatorCountries, FamilyCountries })
        {
            Check(list.Count > 0, "country lists must not be empty");
            foreach (var c in list) Check(Countries.Known(c.Country) && c.Weight > 0, $"unknown country {c.Country} or weight <= 0");
        }
    }
}

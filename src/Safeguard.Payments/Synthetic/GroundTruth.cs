using System.Globalization;
using System.Text.Json;

namespace Safeguard.Payments.Synthetic;

/// <summary>The groups a generated account of interest belongs to.</summary>
public static class FeedGroups
{
    public const string Purchaser = "purchaser";
    public const string Facilitator = "facilitator";
    public const string FamilyRemittance = "family_remittance";
    public const string WeeklyTopUp = "weekly_topup";
    public const string PartnerAbroad = "partner_abroad";
    public const string Siblings = "siblings";
    public const string Charity = "charity";
    public const string Business = "business";
    public const string Tourist = "tourist";
    public const string RemittanceTraveller = "remittance_traveller";
    /// <summary>Accounts the truth file does not list (ordinary customers, merchants, billers).</summary>
    public const string Ordinary = "ordinary";

    /// <summary>The hard-negative groups: legitimate customers whose payments resemble the offence.</summary>
    public static readonly string[] HardNegatives =
        [FamilyRemittance, WeeklyTopUp, PartnerAbroad, Siblings, Charity, Business, Tourist, RemittanceTraveller];
}

/// <summary>The roles in the truth file, the same words as a scan's subject roles.</summary>
public static class FeedRoles
{
    public const string Purchaser = "purchaser";
    public const string Facilitator = "facilitator";
    public const string None = "none";
}

/// <summary>One account of interest: its group, its true role, and whether it is planted to be hard to find.</summary>
public sealed record TruthAccount(string Account, string Group, string Role, bool Hard = false);

/// <summary>The ground truth of a generated feed (<c>truth.json</c>).</summary>
public sealed record GroundTruth(int Seed, string Preset, long Transactions, IReadOnlyList<TruthAccount> Accounts)
{
    /// <summary>Reads a truth file written by <see cref="FeedGenerator.WriteTruth"/>.</summary>
    public static GroundTruth Read(Stream input)
    {
        using var doc = JsonDocument.Parse(input);
        var root = doc.RootElement;
        var accounts = new List<TruthAccount>();
        foreach (var a in root.GetProperty("accounts").EnumerateArray())
            accounts.Add(new TruthAccount(
                a.GetProperty("account").GetString()!,
                a.GetProperty("group").GetString()!,
                a.GetProperty("role").GetString()!,
                a.TryGetProperty("hard", out var h) && h.GetBoolean()));
        return new GroundTruth(
            root.GetProperty("seed").GetInt32(),
            root.GetProperty("preset").GetString() ?? "",
            root.TryGetProperty("transactions", out var t) ? t.GetInt64() : 0,
            accounts);
    }

    internal static void Write(Stream output, FeedSettings s, long transactions, IReadOnlyList<TruthAccount> accounts)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("seed", s.Seed);
        w.WriteString("preset", s.Preset);
        w.WriteNumber("transactions", transactions);
        w.WriteStartObject("settings");
        w.WriteNumber("days", s.Days);
        w.WriteString("start", s.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteNumber("purchasers", s.Purchasers);
        w.WriteNumber("facilitators", s.Facilitators);
        w.WriteNumber("hard_purchaser_share", s.HardPurchaserShare);
        w.WriteNumber("small_facilitator_share", s.SmallFacilitatorShare);
        w.WriteNumber("max_purchasers_per_facilitator", s.MaxPurchasersPerFacilitator);
        w.WriteNumber("purchase_min", s.PurchaseMin);
        w.WriteNumber("purchase_max", s.PurchaseMax);
        w.WriteNumber("escalation", s.Escalation);
        w.WriteNumber("weekly_rate_start", s.WeeklyRateStart);
        w.WriteNumber("weekly_rate_end", s.WeeklyRateEnd);
        w.WriteNumber("evening_share", s.EveningShare);
        w.WriteNumber("large_payment_share", s.LargePaymentShare);
        w.WriteNumber("large_payment_max", s.LargePaymentMax);
        w.WriteNumber("crypto_user_share", s.CryptoUserShare);
        w.WriteNumber("software_buyer_share", s.SoftwareBuyerShare);
        w.WriteNumber("traveller_share", s.TravellerShare);
        w.WriteNumber("family_remitters", s.FamilyRemitters);
        w.WriteNumber("weekly_toppers", s.WeeklyToppers);
        w.WriteNumber("partners_abroad", s.PartnersAbroad);
        w.WriteNumber("sibling_families", s.SiblingFamilies);
        w.WriteNumber("charities", s.Charities);
        w.WriteNumber("donors_per_charity", s.DonorsPerCharity);
        w.WriteNumber("online_sellers", s.OnlineSellers);
        w.WriteNumber("tourists", s.Tourists);
        w.WriteNumber("remittance_travellers", s.RemittanceTravellers);
        w.WriteNumber("family_remittance_min", s.FamilyRemittanceMin);
        w.WriteNumber("family_remittance_max", s.FamilyRemittanceMax);
        w.WriteNumber("topup_min", s.TopUpMin);
        w.WriteNumber("topup_max", s.TopUpMax);
        w.WriteNumber("ordinary", s.Ordinary);
        w.WriteNumber("merchants_per_country", s.MerchantsPerCountry);
        if (s.TargetTransactions is { } target) w.WriteNumber("target_transactions", target);
        w.WriteBoolean("multiple_currencies", s.MultipleCurrencies);
        WriteCountries(w, "sender_countries", s.SenderCountries);
        WriteCountries(w, "facilitator_countries", s.FacilitatorCountries);
        WriteCountries(w, "family_countries", s.FamilyCountries);
        w.WriteEndObject();
        w.WriteStartArray("accounts");
        foreach (var a in accounts)
        {
            w.WriteStartObject();
            w.WriteString("account", a.Account);
            w.WriteString("group", a.Group);
            w.WriteString("role", a.Role);
            if (a.Hard) w.WriteBoolean("hard", true);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCountries(Utf8JsonWriter w, string name, IReadOnlyList<WeightedCountry> list)
    {
        w.WriteStartObject(name);
        foreach (var c in list) w.WriteNumber(c.Country, c.Weight);
        w.WriteEndObject();
    }
}

using Safeguard.Payments.Feed;
using Safeguard.Payments.Reports;

namespace Safeguard.Payments.Tests.Reports;

/// <summary>Hand-made subjects and transactions in the scan's output format.</summary>
internal static class ReportFixture
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 3, 19, 0, 0, TimeSpan.Zero);

    public static Transaction Tx(string id, int hours, string from, string to, decimal amount, string currency = "AUD", decimal? inBase = null,
        Channel channel = Channel.Remittance, string description = "school fees", string fromCountry = "AU", string toCountry = "PH") => new()
    {
        Id = id, Timestamp = T0.AddHours(hours), Sender = from, SenderCountry = fromCountry, Receiver = to, ReceiverCountry = toCountry,
        ReceiverType = ReceiverType.Person, Amount = amount, Currency = currency, AmountInBase = inBase ?? amount, Channel = channel, Description = description,
    };

    public static ScanSubject Purchaser(params IndicatorHit[] indicators) => new(
        "C0001", "purchaser", 0.93, "high", indicators.Length > 0 ? indicators : [new IndicatorHit("small-cross-border", 0.8, ["t1", "t2"])],
        ["F0001", "F0002"], T0, T0.AddDays(300));

    public static ReportingEntity Entity() => new()
    {
        RentityId = 1234, RentityBranch = "Head office", InstitutionName = "Example Remit Pty Ltd",
        ReportingPerson = new ReportingPerson { FirstName = "Alex", LastName = "Officer", Email = "mlro@example.org", Occupation = "AML compliance officer" },
        Location = new ReportingLocation { AddressType = "BUSINESS", Address = "1 Example Street", City = "Sydney", CountryCode = "AU" },
        Action = "Account restricted pending review.",
    };

    /// <summary>A small feed: two named transactions, counterparty traffic both ways, and unrelated traffic.</summary>
    public static List<Transaction> SampleFeed() =>
    [
        Tx("t1", 0, "C0001", "F0001", 50m),
        Tx("t2", 24, "C0001", "F0002", 80m, "USD", 120.50m, Channel.EWallet, "gift"),
        Tx("t3", 48, "C0001", "F0001", 30m, channel: Channel.BankTransfer),
        Tx("t4", 72, "F0002", "C0001", 5m, fromCountry: "PH", toCountry: "AU"),
        Tx("u1", 10, "C0009", "F0001", 70m),      // another sender to the same facilitator: not this subject's
        Tx("u2", 11, "C0001", "S0001", 15m),      // the subject paying someone who is no counterparty
        Tx("u3", 12, "X", "Y", 1m),
    ];

    public static string SchemaFile => Path.Combine(Repository.Root, "data", "payments", "goaml", "goaml-report-subset.xsd");
}

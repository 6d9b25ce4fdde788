using System.Globalization;
using System.Text;
using System.Xml;
using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Reports;

/// <summary>Problems that stop a goAML report being written (missing local amounts, say): the message names the transaction.</summary>
public sealed class ReportDataException(string message) : Exception(message);

/// <summary>
/// Writes a goAML <c>report</c> (STR or SAR) for one <see cref="ReportCase"/>, element by element
/// in goAML's order, valid against data/payments/goaml/goaml-report-subset.xsd. Every transaction
/// is a third-party t_from/t_to pair of accounts (the feed has no KYC data for my_client forms);
/// amounts in a currency other than the local one carry their foreign amount and rate.
/// </summary>
public static class GoamlReportWriter
{
    public sealed record Options
    {
        public required ReportingEntity Entity { get; init; }
        public string? ReportCode { get; init; }
        public string? EntityReference { get; init; }
        public DateTimeOffset SubmissionDate { get; init; } = DateTimeOffset.UtcNow;
    }

    public static byte[] Write(ReportCase c, Options o)
    {
        var e = o.Entity;
        if (e.Problems() is { Count: > 0 } problems) throw new ArgumentException("entity config: " + string.Join("; ", problems));
        if (c.Transactions.Count == 0) throw new ReportDataException($"no transaction of subject {c.Subject.Subject} was found in the feeds; goAML needs at least one");
        string local = e.CurrencyCodeLocal ?? c.BaseCurrency;
        if (!ReportingEntity.IsCode(local, 3))
            throw new ReportDataException($"the local currency is unknown ('{local}'): set currency_code_local in the entity config, or scan with a rates table");
        string unknownCountry = e.UnknownCountry ?? "XX";
        string unknownInstitution = Clean(e.UnknownInstitution, 255) is { Length: > 0 } ui ? ui : "not named in the feed";

        using var ms = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CheckCharacters = true };
        using (var w = XmlWriter.Create(ms, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("report");
            El(w, "rentity_id", e.RentityId!.Value.ToString(CultureInfo.InvariantCulture));
            Opt(w, "rentity_branch", e.RentityBranch, 255);
            El(w, "submission_code", "E");
            El(w, "report_code", o.ReportCode ?? e.ReportCode ?? "STR");
            Opt(w, "entity_reference", o.EntityReference, 255);
            El(w, "submission_date", Date(o.SubmissionDate));
            El(w, "currency_code_local", local);
            if (e.ReportingPerson is { } p)
            {
                w.WriteStartElement("reporting_person");
                Opt(w, "title", p.Title, 50);
                El(w, "first_name", Clean(p.FirstName, 100));
                El(w, "last_name", Clean(p.LastName, 100));
                Opt(w, "email", p.Email, 255);
                Opt(w, "occupation", p.Occupation, 255);
                w.WriteEndElement();
            }
            if (e.Location is { } l)
            {
                w.WriteStartElement("location");
                El(w, "address_type", GoamlCodes.IsLookupCode(l.AddressType) ? l.AddressType! : "BUSINESS");
                El(w, "address", Clean(l.Address, 100));
                Opt(w, "town", l.Town, 255);
                El(w, "city", Clean(l.City, 255));
                Opt(w, "zip", l.Zip, 50);
                El(w, "country_code", l.CountryCode!);
                Opt(w, "state", l.State, 255);
                w.WriteEndElement();
            }
            Opt(w, "reason", ReportText.Reason(c), 4000);
            Opt(w, "action", e.Action, 4000);
            foreach (var t in c.Transactions) Transaction(w, t, c, e, local, unknownCountry, unknownInstitution);
            w.WriteStartElement("report_indicators");
            foreach (var code in c.Subject.Indicators.Select(i => IndicatorCode(i.Name, e)).Distinct(StringComparer.Ordinal))
                El(w, "indicator", code);
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        return ms.ToArray();
    }

    private static string IndicatorCode(string name, ReportingEntity e)
    {
        if (e.IndicatorCodes?.TryGetValue(name, out var code) == true) return code;
        if (GoamlCodes.IsLookupCode(name)) return name;
        // A name the scanner made that is no lookup code: keep its letters and digits.
        var s = new string([.. name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' ? ch : '_').Take(64)]);
        return s.Length > 0 ? s : "indicator";
    }

    private static void Transaction(XmlWriter w, Transaction t, ReportCase c, ReportingEntity e, string local, string unknownCountry, string unknownInstitution)
    {
        string channel = FeedNames.Of(t.Channel);
        var codes = e.Channels?.GetValueOrDefault(channel) ?? GoamlCodes.Channels.GetValueOrDefault(channel) ?? GoamlCodes.Channels["other"];
        bool foreign = t.Currency.Length > 0 && t.Currency != local;
        decimal amountLocal;
        if (!foreign) amountLocal = t.Amount;
        else if (t.AmountInBase != 0 && c.BaseCurrency == local) amountLocal = t.AmountInBase;
        else throw new ReportDataException($"transaction {t.Id}: {Money(t.Amount)} {t.Currency} has no amount in the local currency {local}; scan with a rates table (--rates) that converts {t.Currency}");

        w.WriteStartElement("transaction");
        El(w, "transactionnumber", Clean(t.Id, 50) is { Length: > 0 } id ? id : "unnamed");
        Opt(w, "transaction_location", channel.Length > 0 ? $"{channel} ({t.SenderCountry}→{t.ReceiverCountry})" : null, 255);
        Opt(w, "transaction_description", t.Description, 4000);
        El(w, "date_transaction", Date(t.Timestamp));
        El(w, "transmode_code", codes.Transmode);
        El(w, "amount_local", Money(Math.Round(amountLocal, 2, MidpointRounding.AwayFromZero)));

        w.WriteStartElement("t_from");
        El(w, "from_funds_code", codes.Funds);
        if (foreign && t.Amount != 0 && Money(Math.Round(t.Amount, 2, MidpointRounding.AwayFromZero)) != "0.00")
        {
            w.WriteStartElement("from_foreign_currency");
            El(w, "foreign_currency_code", t.Currency);
            El(w, "foreign_amount", Money(Math.Round(t.Amount, 2, MidpointRounding.AwayFromZero)));
            El(w, "foreign_exchange_rate", Math.Round(amountLocal / t.Amount, 8, MidpointRounding.AwayFromZero).ToString("0.########", CultureInfo.InvariantCulture));
            w.WriteEndElement();
        }
        Account(w, "from_account", t.Sender, Institution(t, "sender", c, e, unknownInstitution), t.Currency);
        El(w, "from_country", Country(t.SenderCountry, unknownCountry));
        w.WriteEndElement();

        w.WriteStartElement("t_to");
        El(w, "to_funds_code", codes.Funds);
        Account(w, "to_account", t.Receiver, Institution(t, "receiver", c, e, unknownInstitution), t.Currency);
        El(w, "to_country", Country(t.ReceiverCountry, unknownCountry));
        w.WriteEndElement();

        var comments = new List<string>();
        // goAML's transactionnumber holds 50 characters: a longer feed id is given here in full.
        if (t.Id.Length > 50) comments.Add("Feed transaction id: " + t.Id);
        if (c.IndicatorsOf.TryGetValue(t.Id, out var names)) comments.Add("Indicators: " + string.Join(", ", names.Select(ReportText.Describe)));
        Opt(w, "comments", string.Join(". ", comments), 4000);
        w.WriteEndElement();
    }

    /// <summary>The subject's side is at the reporting entity; the other side's institution comes from a
    /// <c>sender_institution</c>/<c>receiver_institution</c> feed column when there is one.</summary>
    private static string Institution(Transaction t, string side, ReportCase c, ReportingEntity e, string unknown)
    {
        if (t.Extra?.GetValueOrDefault(side + "_institution") is { } named && Clean(named, 255) is { Length: > 0 } n) return n;
        string account = side == "sender" ? t.Sender : t.Receiver;
        return account == c.Subject.Subject ? Clean(e.InstitutionName, 255) : unknown;
    }

    private static void Account(XmlWriter w, string element, string account, string institution, string currency)
    {
        w.WriteStartElement(element);
        El(w, "institution_name", institution);
        El(w, "account", Clean(account, 50) is { Length: > 0 } a ? a : "unknown");
        if (ReportingEntity.IsCode(currency, 3)) El(w, "currency_code", currency);
        w.WriteEndElement();
    }

    private static string Country(string country, string unknown) => ReportingEntity.IsCode(country, 2) ? country : unknown;

    /// <summary>goAML dates: UTC, no zone, seconds.</summary>
    private static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Money(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Clean(string? s, int max) => XmlSafeText.Clean(s, max);

    private static void El(XmlWriter w, string name, string value) => w.WriteElementString(name, value);

    /// <summary>An optional element, left out when nothing of its text survives cleaning.</summary>
    private static void Opt(XmlWriter w, string name, string? value, int max)
    {
        var v = Clean(value, max);
        if (v.Length > 0) w.WriteElementString(name, v);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Safeguard.Payments.Reports;

/// <summary>The reporting entity's compliance officer, as goAML's <c>reporting_person</c>.</summary>
public sealed record ReportingPerson
{
    [JsonPropertyName("title")] public string? Title { get; init; }
    [JsonPropertyName("first_name")] public string? FirstName { get; init; }
    [JsonPropertyName("last_name")] public string? LastName { get; init; }
    [JsonPropertyName("email")] public string? Email { get; init; }
    [JsonPropertyName("occupation")] public string? Occupation { get; init; }
}

/// <summary>The reporting entity's address, as goAML's <c>location</c>.</summary>
public sealed record ReportingLocation
{
    [JsonPropertyName("address_type")] public string? AddressType { get; init; }
    [JsonPropertyName("address")] public string? Address { get; init; }
    [JsonPropertyName("town")] public string? Town { get; init; }
    [JsonPropertyName("city")] public string? City { get; init; }
    [JsonPropertyName("zip")] public string? Zip { get; init; }
    [JsonPropertyName("country_code")] public string? CountryCode { get; init; }
    [JsonPropertyName("state")] public string? State { get; init; }
}

/// <summary>goAML codes for one feed channel.</summary>
public sealed record ChannelCode
{
    [JsonPropertyName("transmode")] public string Transmode { get; init; } = "";
    [JsonPropertyName("funds")] public string Funds { get; init; } = "";
}

/// <summary>
/// Who files the report (the <c>--entity-config</c> JSON): the FIU's id for the entity, its name as
/// account institution, the officer, the address, and optional code overrides.
/// </summary>
public sealed record ReportingEntity
{
    [JsonPropertyName("rentity_id")] public int? RentityId { get; init; }
    [JsonPropertyName("rentity_branch")] public string? RentityBranch { get; init; }
    [JsonPropertyName("institution_name")] public string? InstitutionName { get; init; }
    [JsonPropertyName("report_code")] public string? ReportCode { get; init; }
    [JsonPropertyName("currency_code_local")] public string? CurrencyCodeLocal { get; init; }
    [JsonPropertyName("reporting_person")] public ReportingPerson? ReportingPerson { get; init; }
    [JsonPropertyName("location")] public ReportingLocation? Location { get; init; }
    [JsonPropertyName("action")] public string? Action { get; init; }
    /// <summary>Country code written when a feed gives none for a party (goAML requires one).</summary>
    [JsonPropertyName("unknown_country")] public string? UnknownCountry { get; init; }
    /// <summary>Institution written for a party whose institution the feed does not name.</summary>
    [JsonPropertyName("unknown_institution")] public string? UnknownInstitution { get; init; }
    /// <summary>Per channel (feed name) overrides of <c>data/payments/goaml/codes.json</c>.</summary>
    [JsonPropertyName("channels")] public Dictionary<string, ChannelCode>? Channels { get; init; }
    /// <summary>Our indicator names to the FIU's indicator codes; unmapped names are written as they are.</summary>
    [JsonPropertyName("indicator_codes")] public Dictionary<string, string>? IndicatorCodes { get; init; }

    private static readonly JsonSerializerOptions Json = new() { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 };

    public static ReportingEntity Read(string path)
    {
        if (new FileInfo(path).Length > 1024 * 1024) throw new FormatException($"{path}: larger than 1 MiB; not an entity config");
        try
        {
            return JsonSerializer.Deserialize<ReportingEntity>(File.ReadAllBytes(path), Json) ?? throw new FormatException($"{path}: null");
        }
        catch (JsonException ex) { throw new FormatException($"{path}: not a valid entity config: {ex.Message}", ex); }
    }

    /// <summary>What goAML requires that is missing or malformed, in words naming the config keys; empty when complete.</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (RentityId is null) p.Add("rentity_id (the FIU's number for the reporting entity) is missing");
        else if (RentityId < 1) p.Add("rentity_id must be a positive number");
        if (string.IsNullOrWhiteSpace(InstitutionName)) p.Add("institution_name (the reporting entity's name) is missing");
        if (ReportCode is not null and not ("STR" or "SAR")) p.Add($"report_code must be STR or SAR, not '{ReportCode}'");
        if (CurrencyCodeLocal is not null && !IsCode(CurrencyCodeLocal, 3)) p.Add($"currency_code_local must be three capital letters (ISO 4217), not '{CurrencyCodeLocal}'");
        if (UnknownCountry is not null && !IsCode(UnknownCountry, 2)) p.Add($"unknown_country must be two capital letters, not '{UnknownCountry}'");
        if (ReportingPerson is { } rp)
        {
            if (string.IsNullOrWhiteSpace(rp.FirstName)) p.Add("reporting_person.first_name is missing");
            if (string.IsNullOrWhiteSpace(rp.LastName)) p.Add("reporting_person.last_name is missing");
            if (rp.Email is not null && (rp.Email.Count(c => c == '@') != 1 || rp.Email.Any(char.IsWhiteSpace) || rp.Email[0] == '@' || rp.Email[^1] == '@'))
                p.Add($"reporting_person.email '{rp.Email}' is not an e-mail address");
        }
        else p.Add("reporting_person (first_name, last_name, email of the officer filing) is missing");
        if (Location is { } l)
        {
            if (string.IsNullOrWhiteSpace(l.Address)) p.Add("location.address is missing");
            if (string.IsNullOrWhiteSpace(l.City)) p.Add("location.city is missing");
            if (l.CountryCode is null || !IsCode(l.CountryCode, 2)) p.Add("location.country_code (two capital letters) is missing or malformed");
        }
        foreach (var (name, code) in Channels ?? [])
            if (code is null || !GoamlCodes.IsLookupCode(code.Transmode) || !GoamlCodes.IsLookupCode(code.Funds))
                p.Add($"channels.{name}: transmode and funds must be codes of letters, digits, '_' or '-'");
        foreach (var (name, code) in IndicatorCodes ?? [])
            if (!GoamlCodes.IsLookupCode(code)) p.Add($"indicator_codes.{name}: '{code}' is not a code of letters, digits, '_' or '-'");
        return p;
    }

    internal static bool IsCode(string s, int length) => s.Length == length && s.All(char.IsAsciiLetterUpper);
}

using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using System.Xml.Schema;

namespace Safeguard.Payments.Reports;

/// <summary>The embedded goAML schema subset and the channel code table (data/payments/goaml/).</summary>
public static class GoamlCodes
{
    public const string SchemaResource = "payments/goaml/goaml-report-subset.xsd";
    public const string CodesResource = "payments/goaml/codes.json";

    private sealed record CodesFile([property: JsonPropertyName("channels")] Dictionary<string, ChannelCode> Channels);

    private static readonly Lazy<IReadOnlyDictionary<string, ChannelCode>> DefaultChannels = new(() =>
    {
        using var s = Open(CodesResource);
        return JsonSerializer.Deserialize<CodesFile>(s)!.Channels;
    });

    /// <summary>The default codes, by feed channel name ("" for a missing channel).</summary>
    public static IReadOnlyDictionary<string, ChannelCode> Channels => DefaultChannels.Value;

    /// <summary>A goAML lookup value as the schema subset allows it.</summary>
    public static bool IsLookupCode(string? s) =>
        !string.IsNullOrEmpty(s) && s.Length <= 64 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>The schema subset, compiled.</summary>
    public static XmlSchemaSet Schema()
    {
        var set = new XmlSchemaSet();
        using var s = Open(SchemaResource);
        using var r = XmlReader.Create(s, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        set.Add(null, r);
        set.Compile();
        return set;
    }

    /// <summary>Schema errors of a document (empty when it is valid).</summary>
    public static List<string> Validate(Stream xml, XmlSchemaSet? schema = null)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema, Schemas = schema ?? Schema(), DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
        };
        settings.ValidationEventHandler += (_, e) => errors.Add($"line {e.Exception.LineNumber}: {e.Message}");
        try
        {
            using var r = XmlReader.Create(xml, settings);
            while (r.Read()) { }
        }
        catch (XmlException ex) { errors.Add($"line {ex.LineNumber}: {ex.Message}"); }
        return errors;
    }

    private static Stream Open(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new InvalidOperationException($"resource {name} is missing from the build");
}

using System.Security.Cryptography;
using System.Text.Json;
using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Signals;

namespace Safeguard.Exchanges.Lists;

/// <summary>
/// What the <c>file</c> and <c>url</c> exchanges share: a whole hash list (plain, CSV or VICS JSON,
/// read by <see cref="BankFormats"/>) turned into one page that replaces the exchange's list.
/// </summary>
internal static class HashList
{
    public static readonly ExchangeSetting Format = new("format", "auto (default: from the name and first bytes), plain, csv or vics");
    public static readonly ExchangeSetting SignalType = new("signal_type", "signal type of untyped values in a plain list (md5, sha1, sha256, pdq, ...); default: from the value's length");
    public static readonly ExchangeSetting AllowEmpty = new("allow_empty", "true: an empty list withdraws every entry; default false refuses it, as a likely upstream fault");

    /// <summary>Null when the list settings are usable, else what is wrong.</summary>
    public static string? Validate(ExchangeSettings settings)
    {
        try
        {
            _ = ReadFormat(settings);
            _ = ReadSignalType(settings);
            _ = settings.GetBool(AllowEmpty.Name, false);
            return null;
        }
        catch (ExchangeException ex)
        {
            return ex.Message;
        }
    }

    public static BankFormat? ReadFormat(ExchangeSettings settings)
    {
        var name = settings.Get(Format.Name);
        if (name is null || name.Equals("auto", StringComparison.OrdinalIgnoreCase)) return null;
        try { return BankFormats.Parse(name); }
        catch (BankException ex) { throw new ExchangeException($"setting 'format': {ex.Message}"); }
    }

    public static Signals.SignalType? ReadSignalType(ExchangeSettings settings) =>
        settings.Get(SignalType.Name) is not { } name ? null
        : SignalTypes.TryGet(name, out var type) ? type
        : throw new ExchangeException($"setting 'signal_type': unknown signal type '{name}' (known: {string.Join(", ", SignalTypes.All.Select(t => t.Name).Order())})");

    /// <summary>
    /// The entries of the list in <paramref name="input"/>, read as enumerated. Malformed lines are
    /// skipped; a list with no valid entry at all (an HTML error page, a wrong format) or, unless
    /// allowed, an empty one is refused, since as a replacing page it would withdraw everything.
    /// </summary>
    public static IEnumerable<ExchangeItem> Read(Stream input, string? fileName, string source, ExchangeSettings settings)
    {
        var format = ReadFormat(settings);
        var type = ReadSignalType(settings);
        bool allowEmpty = settings.GetBool(AllowEmpty.Name, false);
        long problems = 0;
        InputProblem? first = null;
        var options = new ReadOptions
        {
            SourceName = source, DefaultType = type,
            OnProblem = p => { problems++; first ??= p; },
        };
        if (format is null)
        {
            var head = new byte[4096];
            int n = input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            format = BankFormats.Detect(fileName, head.AsSpan(0, n));
            input = BankFormats.WithHead(head, n, input);
        }
        long count = 0;
        using var records = BankFormats.Read(format.Value, input, options).GetEnumerator();
        while (true)
        {
            EntryRecord record;
            try
            {
                if (!records.MoveNext()) break;
                record = records.Current;
            }
            catch (Exception ex) when (ex is BankException or JsonException or System.Text.DecoderFallbackException)
            {
                throw new ExchangeException($"{source}: not a readable {format.Value.ToString().ToLowerInvariant()} list: {ex.Message}", ex);
            }
            count++;
            yield return new ExchangeItem(record);
        }
        if (count == 0 && problems > 0)
            throw new ExchangeException($"{source}: no valid entry in the list ({problems} skipped; first: line {first!.Line}: {first.Message})");
        if (count == 0 && !allowEmpty)
            throw new ExchangeException($"{source}: the list is empty; refused, since it would withdraw every entry (set allow_empty=true if that is meant)");
    }

    /// <summary>The SHA-256 of a stream, in lower-case hex, refusing more than <paramref name="maxBytes"/>.</summary>
    public static async Task<(string Sha256, long Length)> HashAsync(Stream input, long maxBytes, string source, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await input.ReadAsync(buffer, ct)) > 0)
        {
            total += n;
            if (total > maxBytes) throw TooLarge(source, maxBytes);
            hash.AppendData(buffer, 0, n);
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), total);
    }

    public static ExchangeException TooLarge(string source, long maxBytes) =>
        new($"{source}: the list is larger than the limit of {maxBytes} bytes; refused");

    public static string ToJson<T>(T checkpoint) => JsonSerializer.Serialize(checkpoint, CheckpointJson);

    /// <summary>The checkpoint a previous fetch stored, or null when there is none or it is not ours.</summary>
    public static T? FromJson<T>(string? checkpoint) where T : class
    {
        if (string.IsNullOrEmpty(checkpoint)) return null;
        try { return JsonSerializer.Deserialize<T>(checkpoint, CheckpointJson); }
        catch (JsonException) { return null; }
    }

    private static readonly JsonSerializerOptions CheckpointJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Banks.Storage;
using Safeguard.Hashing.Files;
using Safeguard.Signals;
using Safeguard.Server.Audit;
using Safeguard.Server.Media;

namespace Safeguard.Server.Hosting;

/// <summary>
/// On a fresh database, a bank "demo" with the PDQ and MD5 of a few benign public test images
/// (Meta's PDQ test photos), so a new user can upload one and see a match at once.
/// </summary>
public static class DemoBank
{
    public const string Name = "demo";
    public const string EnvironmentVariable = "SAFEGUARD_DEMO_IMAGES";

    public static async Task EnsureAsync(ServerOptions options, IBankStore banks, HasherPool hashers, AuditLog audit, ILogger log, CancellationToken ct)
    {
        if (!options.Demo) return;
        if ((await banks.ListBanksAsync(ct)).Count > 0) return; // not a fresh start
        var dir = FindImages(options.DemoImages);
        if (dir is null)
        {
            if (log.IsEnabled(LogLevel.Information))
                log.LogInformation("demo bank skipped: no benign test images found (give --demo-images DIR or set {Env})", EnvironmentVariable);
            return;
        }
        // Modified copies ("bridge-blurred.jpg") stay out, so uploading one shows a PDQ near-match.
        var files = Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .Where(f => !Path.GetFileName(f).Contains("-blurred", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).Take(12).ToList();
        var records = new List<EntryRecord>();
        foreach (var f in files)
        {
            var r = await hashers.HashAsync(await File.ReadAllBytesAsync(f, ct), f, ct);
            var id = "demo:" + Path.GetFileName(f);
            if (r.Pdq is { } p) records.Add(new EntryRecord(SignalTypes.Pdq, p.Hash.ToString()) { ContentId = id, Tags = ["demo"] });
            if (r.Md5 is not null) records.Add(new EntryRecord(SignalTypes.Md5, FileHashResult.Hex(r.Md5)) { ContentId = id, Tags = ["demo"] });
        }
        if (records.Count == 0)
        {
            if (log.IsEnabled(LogLevel.Information)) log.LogInformation("demo bank skipped: no image in {Dir}", dir);
            return;
        }
        await banks.CreateBankAsync(Name, "Demo: hashes of benign public PDQ test images (not abuse material)", verified: false, ct);
        await banks.ImportAsync(Name, records, new ImportOptions { Source = new ImportSource("demo", dir) }, ct);
        await audit.AppendAsync("system", "bank.demo", $"bank:{Name}", $"{files.Count} images from {dir}", ct);
        if (log.IsEnabled(LogLevel.Information))
            log.LogInformation("demo bank '{Bank}' created from {Count} benign images in {Dir}: upload one of them to /v1/lookup/file to see a match", Name, files.Count, dir);
    }

    public static string? FindImages(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given)) return Directory.Exists(given) ? given : null;
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return Directory.Exists(env) ? env : null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(d.FullName, "samples", "images"), Path.Combine(d.FullName, "..", "shared", "testdata", "pdq", "reg-test-input", "labelme-subset"),
                                                  Path.Combine(d.FullName, "shared", "testdata", "pdq", "reg-test-input", "labelme-subset") })
                    if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.jpg").Any()) return Path.GetFullPath(candidate);
            }
        }
        return null;
    }
}

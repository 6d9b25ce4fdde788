using Safeguard.Banks;
using Safeguard.Banks.Formats;
using Safeguard.Banks.Storage;
using Safeguard.Server.Api;
using Safeguard.Server.Audit;
using Safeguard.Server.Errors;
using Safeguard.Server.Index;
using Safeguard.Signals;

namespace Safeguard.Server.UseCases;

public sealed record ImportRequest(string? Format, bool Replace, string? Source, string? Type);
public sealed record BankImport(ImportResult Result, int Skipped, List<string> Problems);

/// <summary>
/// Bulk import: the body is spooled to a file (never held in memory; see <see cref="ImportSpool"/>),
/// checked complete, then imported streaming in one transaction, so a truncated upload stores nothing.
/// </summary>
public sealed class ImportBank(IBankStore banks, AuditLog audit, LiveIndex index)
{
    public async Task<BankImport> RunAsync(string bank, Stream body, long? declaredLength, ImportRequest request, string actor, CancellationToken ct)
    {
        await BankGuard.RequireAsync(banks, bank);
        FileStream spool;
        try { spool = ImportSpool.Create(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ServiceBusyException($"cannot spool the import upload: {ex.Message}; nothing was imported");
        }
        await using (spool) // deleted when closed, on every path out of here
        {
            try { await body.CopyToAsync(spool, ct); }
            catch (Exception ex) when (ex is IOException or BadHttpRequestException)
            {
                throw new ValidationException($"the import upload ended early or was too large: {ex.Message}; nothing was imported");
            }
            await spool.FlushAsync(ct);
            long written = spool.Length;
            if (declaredLength is { } expected && written != expected) throw new ValidationException("the import upload is truncated; nothing was imported");
            if (written == 0) throw new ValidationException("the import body is empty");
            SignalType? defaultType = null;
            if (request.Type is { } type) defaultType = SignalTypes.TryGet(type, out var dt) ? dt : throw new ValidationException($"unknown type '{type}'");
            var problems = new List<string>();
            int problemCount = 0;
            var options = new ReadOptions
            {
                SourceName = Http.SafeName(request.Source ?? "upload"), DefaultType = defaultType,
                For64HexDigits = defaultType is not null && SignalTypes.HexLength(defaultType) == 64 ? defaultType : SignalTypes.Pdq,
                OnProblem = p => { problemCount++; if (problems.Count < 100) problems.Add(p.ToString()!); },
            };
            spool.Position = 0;
            var fmt = await FormatOfAsync(request, spool);
            ImportResult result;
            try
            {
                // Once the upload is in, the import runs to the end, is audited and becomes searchable even if the client goes away.
                result = await banks.ImportAsync(bank, BankFormats.Read(fmt, spool, options),
                    new ImportOptions { Replace = request.Replace, Source = new ImportSource(Http.SafeName(request.Source ?? "api-import"), actor) }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is BankException or InvalidDataException or System.Text.Json.JsonException or FormatException)
            {
                throw new ValidationException($"import failed, nothing imported: {ex.Message}", ex);
            }
            await audit.AppendAsync(actor, "bank.import", $"bank:{bank}",
                $"format={fmt}; replace={request.Replace}; read={result.Read}; added={result.Added}; updated={result.Updated}; disabled={result.Disabled}; skipped={problemCount}", CancellationToken.None);
            await index.RefreshAsync(CancellationToken.None);
            return new BankImport(result, problemCount, problems);
        }
    }

    /// <summary>The format named, or detected from the source name and the first 4 KiB.</summary>
    private static async Task<BankFormat> FormatOfAsync(ImportRequest request, FileStream spool)
    {
        if (request.Format is { } format)
        {
            try { return BankFormats.Parse(format); }
            catch (Exception ex) when (ex is ArgumentException or BankException) { throw new ValidationException(ex.Message, ex); }
        }
        var head = new byte[4096];
        int n = await spool.ReadAsync(head);
        spool.Position = 0;
        return BankFormats.Detect(request.Source, head.AsSpan(0, n));
    }
}

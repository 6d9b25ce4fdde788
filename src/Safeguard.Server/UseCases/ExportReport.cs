using System.Globalization;
using Safeguard.Server.Audit;
using Safeguard.Server.Errors;
using Safeguard.Server.Reports;
using Safeguard.Server.Review;

namespace Safeguard.Server.UseCases;

/// <summary>A report's body and the signed checkpoint that covers its own audit entry.</summary>
public sealed record ExportedReport(byte[] Body, AuditCheckpoint Checkpoint);

/// <summary>Reports of confirmed items: NCMEC CyberTipline XML (report and fileDetails) and a VICS export; each export is audited.</summary>
public sealed class ExportReport(ReviewStore review, AuditLog audit, CreateCheckpoint checkpoints, ServerOptions options)
{
    public async Task<(string Xml, AuditCheckpoint Checkpoint)> NcmecAsync(string? items, string? additionalInfo, string actor, CancellationToken ct)
    {
        var list = await ConfirmedAsync(items);
        await audit.AppendAsync(actor, "report.ncmec", $"items:{string.Join(",", list.Select(i => i.Id))}", null, ct);
        var checkpoint = await checkpoints.RunAsync(ct); // covers the report's own audit entry
        // The incident is when the earliest item reached Safeguard, not when a reviewer confirmed it.
        var xml = NcmecReport.Report(list, new NcmecReport.Reporter(options.ReporterName, options.ReporterEmail),
            list.Min(i => i.CreatedAt), additionalInfo, checkpoint.ToString());
        return (xml, checkpoint);
    }

    public async Task<string> NcmecFileDetailsAsync(long item, string? reportIdText, string? fileId, bool? publiclyAvailable)
    {
        if (!long.TryParse(reportIdText, NumberStyles.None, CultureInfo.InvariantCulture, out var reportId))
            throw new ValidationException("report_id is required: the numeric report id CyberTipline returned from /submit");
        if (string.IsNullOrWhiteSpace(NcmecReport.Clean(fileId)) || fileId!.Length > 200)
            throw new ValidationException("file_id is required: the file id CyberTipline returned from /upload (at most 200 characters)");
        var list = await ConfirmedAsync(item.ToString(CultureInfo.InvariantCulture));
        // Viewed only if the audit log holds an unblurred view: blurred previews and verified exact hits confirmed unseen do not count.
        bool viewed = (await audit.ListAsync(0, 1, "media.view.clear", $"item:{item}")).Count > 0;
        return NcmecReport.FileDetails(list[0], reportId, fileId, new NcmecReport.FileFacts(viewed, publiclyAvailable));
    }

    public async Task<ExportedReport> VicsAsync(string? items, string actor, CancellationToken ct)
    {
        var list = await ConfirmedAsync(items);
        await audit.AppendAsync(actor, "report.vics", $"items:{string.Join(",", list.Select(i => i.Id))}", null, ct);
        var checkpoint = await checkpoints.RunAsync(ct); // covers the report's own audit entry
        var ms = new MemoryStream();
        VicsExport.Write(ms, list, checkpoint.ToString());
        return new ExportedReport(ms.ToArray(), checkpoint);
    }

    /// <summary>The confirmed items named (comma-separated ids), or all confirmed items.</summary>
    private async Task<List<ReviewItem>> ConfirmedAsync(string? items)
    {
        var ids = new List<long>();
        foreach (var part in (items ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            ids.Add(long.TryParse(part, out var id) ? id : throw new ValidationException("items must be comma-separated item ids"));
        if (ids.Count > 1000) throw new ValidationException("at most 1000 items per report");
        var list = await review.ByIdsAsync(ids);
        if (ids.Count > 0 && list.Count != ids.Count) throw new NotFoundException("some items do not exist");
        if (list.Any(i => i.Status != ReviewStatus.Confirmed)) throw new ConflictException("reports include confirmed items only");
        if (list.Count == 0) throw new NotFoundException("no confirmed items to report");
        return list;
    }
}

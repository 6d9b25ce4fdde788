using Safeguard.Banks.Formats;
using Safeguard.Server.Review;

namespace Safeguard.Server.Reports;

/// <summary>Confirmed items as a VICS 2.0 #Media document.</summary>
public static class VicsExport
{
    /// <summary>OData instance annotation on the document that carries the signed audit checkpoint.</summary>
    public const string CheckpointAnnotation = "@safeguard.auditCheckpoint";

    public static void Write(Stream output, IEnumerable<ReviewItem> items, string? auditCheckpoint = null)
    {
        using var w = new VicsWriter(output);
        foreach (var item in items)
        {
            int? category = item.Category switch
            {
                "UK-A" or "UK-B" or "UK-C" => 1,
                { } c when c.StartsWith("VICS-", StringComparison.Ordinal) => c[5] - '0',
                _ => null,
            };
            var tags = new List<string>();
            if (item.Category is ['U', 'K', '-', var g]) tags.Add($"grade:{g}");
            w.WriteMedia(new VicsMedia
            {
                MediaId = $"safeguard-item-{item.Id}",
                Category = category,
                Md5 = item.Md5?.ToUpperInvariant(), Sha1 = item.Sha1?.ToUpperInvariant(), Sha256 = item.Sha256, Pdq = item.Pdq,
                Tags = tags, Comments = item.Note, IsPrecategorized = false,
            });
        }
        w.Complete(auditCheckpoint is null ? null : [(CheckpointAnnotation, auditCheckpoint)]);
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;
using Safeguard.Payments.Output;
using Safeguard.Server.Api;
using Safeguard.Server.Auth;
using Safeguard.Server.Errors;
using Safeguard.Server.Payments;

namespace Safeguard.Server.Endpoints;

/// <summary>Payment transactions streamed into the service's analyser, and the subjects it finds.</summary>
public static class PaymentsEndpoints
{
    public static readonly string[] CsvTypes = ["text/csv"];
    public static readonly string[] JsonLinesTypes = ["application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json-lines"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/payments/transactions", async (HttpContext ctx, PaymentsMonitor monitor, ServerOptions options) =>
        {
            var format = FormatOf(ctx.Request.ContentType);
            long max = options.MaxPaymentsBatchBytes;
            if (ctx.Request.ContentLength > max) throw new PayloadTooLargeException($"the batch is {ctx.Request.ContentLength} bytes, over the limit of {max}; send smaller batches");
            if (ctx.Request.ContentLength == 0) throw new ValidationException("the body is empty: send a CSV feed with its header row, or JSON lines");
            // Kestrel's own cap sits above ours, so the cut-off is ours (a 413 naming the limit), not a read error.
            Http.AllowLargeBody(ctx, max + 1024 * 1024);
            // The feed reader reads synchronously; only one batch is read at a time.
            if (ctx.Features.Get<IHttpBodyControlFeature>() is { } body) body.AllowSynchronousIO = true;
            var batch = await monitor.IngestAsync(ctx.Request.Body, format, ctx.Caller().Actor, ctx.RequestAborted);
            if (batch.Bytes == 0) throw new ValidationException("the body is empty: send a CSV feed with its header row, or JSON lines");
            return Results.Bytes(Answer(batch, monitor), "application/json");
        }).Roles(Roles.Matcher).WithName("PaymentsTransactions")
            .WithMetadata(new DocumentedBody(typeof(Stream), [.. CsvTypes, .. JsonLinesTypes]))
            .WithSummary("Stream a batch of payment transactions (CSV with header, or JSON lines) into the service's per-account state; " +
                "answers rows accepted and failed (FILE:LINE) and the subjects whose level rose to the review level, queued for review once")
            .Produces<PaymentsBatchResponse>().ProducesProblem(413).ProducesProblem(415).Problems();

        app.MapGet("/v1/payments/subjects/{id}", async (string id, PaymentsMonitor monitor, HttpContext ctx) =>
                await monitor.ViewAsync(id, ctx.RequestAborted) is { } view ? Results.Json(view, ApiJson.Options) : throw new NotFoundException("no payments subject with that account"))
            .Roles(Roles.Matcher, Roles.Reviewer).WithName("PaymentsSubject")
            .WithSummary("One payments subject: its subject JSON, timeline (monthly counts, flows with kept transaction ids) and network to depth 2")
            .Answers<JsonElement>();
    }

    private static FeedFormat FormatOf(string? contentType)
    {
        var type = (contentType ?? "").Split(';')[0].Trim();
        if (CsvTypes.Contains(type, StringComparer.OrdinalIgnoreCase)) return FeedFormat.Csv;
        if (JsonLinesTypes.Contains(type, StringComparer.OrdinalIgnoreCase)) return FeedFormat.JsonLines;
        throw new UnsupportedMediaException("send the batch as text/csv (with a header row) or application/x-ndjson (JSON lines)");
    }

    private static byte[] Answer(PaymentsBatch b, PaymentsMonitor monitor)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("rows_accepted", b.RowsAccepted);
            w.WriteNumber("rows_failed", b.RowsFailed);
            w.WriteNumber("out_of_order_rows", b.OutOfOrderRows);
            w.WriteStartArray("errors");
            foreach (var e in b.Errors) w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteNumber("errors_omitted", b.ErrorsOmitted);
            w.WriteString("review_level", Subject.LevelName(monitor.ReviewLevel));
            w.WriteStartArray("subjects");
            foreach (var c in b.Changed)
            {
                w.WriteStartObject();
                w.WriteString("level_before", Subject.LevelName(c.Before));
                if (c.ReviewItemId is { } item) w.WriteNumber("review_item_id", item);
                else w.WriteNull("review_item_id");
                w.WritePropertyName("subject");
                SubjectJson.Write(w, c.Subject);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("observed_total", monitor.Observed);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

/// <summary>The answer of POST /v1/payments/transactions (documentation only; written by hand for speed).</summary>
public sealed record PaymentsBatchResponse(long RowsAccepted, long RowsFailed, long OutOfOrderRows, IReadOnlyList<string> Errors, long ErrorsOmitted,
    string ReviewLevel, IReadOnlyList<PaymentsChangedSubject> Subjects, long ObservedTotal);

public sealed record PaymentsChangedSubject(string LevelBefore, long? ReviewItemId, JsonElement Subject);

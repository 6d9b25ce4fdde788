using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Safeguard.Server.Errors;

namespace Safeguard.Server.Api;

internal static class Http
{
    /// <summary>Reads a JSON body into T; malformed, empty or wrong-typed JSON is a 400 naming the problem.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request) where T : class
    {
        if (request.ContentType is { } ct && !ct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !ct.StartsWith("text/json", StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedMediaException("the body must be JSON (Content-Type: application/json)");
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ApiJson.Options, request.HttpContext.RequestAborted);
            return value ?? throw new ValidationException("the JSON body is empty (null)");
        }
        catch (JsonException ex)
        {
            throw new ValidationException($"malformed JSON body: {ex.Message}");
        }
    }

    /// <summary>The uploaded file: a multipart form's first file, or the raw body. Over-size or truncated is a 4xx.</summary>
    public static async Task<(byte[] Bytes, string FileName, string? ContentType)> ReadUploadAsync(HttpRequest request, long max)
    {
        if (request.ContentLength > max) throw new PayloadTooLargeException($"upload is {request.ContentLength} bytes, over the limit of {max}");
        try
        {
            // Multipart forms carry the file in a part; anything else (curl --data-binary sends
            // application/x-www-form-urlencoded) is the file itself.
            if (request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true)
            {
                var form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = max, ValueCountLimit = 64 },
                    request.HttpContext.RequestAborted);
                if (form.Files.Count == 0) throw new ValidationException("the multipart form holds no file");
                if (form.Files.Count > 1) throw new ValidationException("only one file per request");
                var f = form.Files[0];
                if (f.Length > max) throw new PayloadTooLargeException($"upload is over the limit of {max} bytes");
                using var ms = new MemoryStream((int)f.Length);
                await f.CopyToAsync(ms, request.HttpContext.RequestAborted);
                return (ms.ToArray(), SafeName(f.FileName), f.ContentType);
            }
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int n;
            while ((n = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + n > max) throw new PayloadTooLargeException($"upload is over the limit of {max} bytes");
                buffer.Write(chunk, 0, n);
            }
            if (buffer.Length == 0) throw new ValidationException("the upload is empty");
            var name = request.Headers["X-File-Name"].ToString();
            return (buffer.ToArray(), SafeName(name.Length > 0 ? name : "upload"), request.ContentType);
        }
        catch (InvalidDataException ex) { throw new ValidationException($"malformed upload: {ex.Message}"); }
        catch (BadHttpRequestException ex) { throw new BadHttpRequestException($"bad upload: {ex.Message}", ex.StatusCode, ex); }
        catch (IOException ex) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw new ValidationException($"the upload ended early or could not be read: {ex.Message}");
        }
    }

    /// <summary>Only the last path segment of a client-supplied name, without control characters, at most 200 characters.</summary>
    public static string SafeName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "upload";
        var last = name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "upload";
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean is "" or "." or "..") clean = "upload";
        return clean.Length > 200 ? clean[..200] : clean;
    }

    public static void AllowLargeBody(HttpContext ctx, long max)
    {
        var f = ctx.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (f is { IsReadOnly: false }) f.MaxRequestBodySize = max;
    }

    public static int Limit(int? limit, int def = 100, int max = 1000) => Math.Clamp(limit ?? def, 1, max);
}

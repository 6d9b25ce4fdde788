using System.Text.Encodings.Web;
using System.Text.Json;
using Safeguard.Conversations.Analysis;
using Safeguard.Server.Api;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>
/// `chat analyze --json`: the analysis exactly as the service's POST /v1/conversations/analyze
/// returns it (the API's snake_case names and enum values), so one parser reads both; indented,
/// and non-ASCII text left readable.
/// </summary>
internal static class AnalysisJson
{
    public static readonly JsonSerializerOptions Options = new(ApiJson.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(ConversationAnalysis analysis) => JsonSerializer.Serialize(analysis, Options);
}

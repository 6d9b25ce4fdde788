using System.Text.Json;
using Safeguard.Server.Api;
using Safeguard.Server.Index;
using Safeguard.Server.Matching;
using Safeguard.Server.UseCases;

namespace Safeguard.Server.Endpoints;

// Requests and responses as the API spells them; the use cases take and give their own types.

public sealed record HashLookupRequest(string? SignalType, string? Value, int? Threshold, bool? Review);
public sealed record UrlRequest(string? Url);
public sealed record CompareRequest(string? SignalType, string? A, string? B, int? Threshold);
public sealed record KeyCreateRequest(string? Name, string[]? Roles, int? RatePerSecond, int? MaxConcurrent);
public sealed record ParticipantDto(string Id, string? Name, int? DeclaredAge, int? AccountAgeDays);
public sealed record MessageRequest(string? Sender, JsonElement? Timestamp, string? Text, ParticipantDto[]? Participants);
public sealed record BankCreateRequest(string? Name, string? Description, bool? Verified);
public sealed record EntryDto(string? SignalType, string? Value, string? ContentId, int? Category, string? Grade, string[]? Tags);
public sealed record EntriesRequest(EntryDto[]? Entries, string? Reason);
public sealed record DecisionRequest(string? Decision, string? Category, string? IndustryClassification, string? Note, bool? Preserve, bool? Suppress, bool? Group = null);
public sealed record SettingsRequest(int? BlurStrength);
public sealed record SignInRequest(string? Key);

public sealed record LookupResponse(IReadOnlyList<ItemMatch> Matches, long? ReviewItemId);
public sealed record FileLookupResponse(FileHashes Hashes, IReadOnlyList<ItemMatch> Matches, long? ReviewItemId);
public sealed record SubmitResponse(long ReviewItemId, FileHashes Hashes, IReadOnlyList<ItemMatch> Matches);
public sealed record ReadyResponse(string Status, IndexStatus Index);
public sealed record IndexStatusResponse(IndexStatus Index, int Suppressions, IReadOnlyList<Safeguard.Server.Exchanges.ExchangeStatusView> Exchanges);
public sealed record CompareResponse(string SignalType, int Distance, bool Match, int? Threshold);
public sealed record MessageResponse(string ConversationId, Safeguard.Conversations.Analysis.RiskUpdate Update, bool Alert, long? ReviewItemId);
public sealed record ImportResponse(Safeguard.Banks.ImportResult Result, int Skipped, List<string> Problems);

internal static class DtoMapping
{
    public static LookupResponse ToDto(this HashLookup r) => new(r.Matches, r.ReviewItemId);
    public static FileLookupResponse ToDto(this FileLookup r) => new(r.Hashes, r.Matches, r.ReviewItemId);
    public static SubmitResponse ToDto(this Submission r) => new(r.ReviewItemId, r.Hashes, r.Matches);
    public static ImportResponse ToDto(this BankImport r) => new(r.Result, r.Skipped, r.Problems);
    public static EntryInput[]? ToInput(this EntriesRequest r) =>
        r.Entries?.Select(e => new EntryInput(e.SignalType, e.Value, e.ContentId, e.Category, e.Grade, e.Tags)).ToArray();
}

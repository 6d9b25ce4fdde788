using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Safeguard.Conversations.Analysis;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>The machine-readable shape of an analysis (`--json`), with kebab-case enum names.</summary>
internal sealed record AnalysisJson(
    string? Id, double Score, string Level, string Stage, string? Participant, int Messages,
    double IndicatorScore, double? ModelScore,
    IReadOnlyList<AnalysisJson.Indicator> Indicators, IReadOnlyList<AnalysisJson.Step> Timeline,
    IReadOnlyList<EvidenceMessage> Evidence, IReadOnlyList<string> Warnings, AnalysisJson.ModelPart? Model)
{
    public sealed record ModelPart(string Name, double Probability, double Threshold, IReadOnlyList<Term> Terms, IReadOnlyList<int> Messages);

    public sealed record Term(string Text, string Kind, int Count, double Contribution);

    public sealed record Indicator(string Id, string Family, string Description, string Participant, double Strength,
        int Occurrences, IReadOnlyList<int> Messages, IReadOnlyList<string> Matched);

    public sealed record Step(string Stage, int Message, int MessagesFromFirstContact, double? SecondsFromFirstContact);

    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static AnalysisJson From(ConversationAnalysis a) => new(
        a.ConversationId, a.Score, a.Level.Name(), a.FurthestStage.Name(), a.FocusParticipant, a.MessageCount,
        a.IndicatorScore, a.ModelScore,
        [.. a.Indicators.Select(i => new Indicator(i.Id, i.Family.Name(), i.Description, i.Participant, i.Strength,
            i.Occurrences, i.MessageIndices, i.MatchedPhrases))],
        [.. a.Timeline.Select(t => new Step(t.Stage.Name(), t.MessageIndex, t.MessagesFromFirstContact, t.TimeFromFirstContact?.TotalSeconds))],
        a.Evidence, a.Warnings,
        a.Model is { } m ? new ModelPart(m.Name, m.Probability, m.Threshold,
            [.. m.TopTerms.Select(t => new Term(t.Term, t.Kind == Safeguard.Conversations.Models.NgramKind.Word ? "word" : "characters", t.Count, Math.Round(t.Contribution, 4)))],
            m.MessageIndices) : null);
}

using Safeguard.Conversations.Analysis;

namespace Safeguard.Cli.Commands.Chat;

/// <summary>The human-readable explanation printed by `safeguard chat analyze`.</summary>
internal static class AnalysisText
{
    public static void Write(ConversationAnalysis a, TextWriter o)
    {
        o.WriteLine($"Conversation {a.ConversationId ?? "(no id)"}: {a.MessageCount} messages");
        o.WriteLine($"Risk: {a.Level.Name().ToUpperInvariant()} (score {a.Score:0.00}" +
                    (a.ModelScore is { } m ? $"; indicators {a.IndicatorScore:0.00}, model {m:0.00})" : ")"));
        o.WriteLine($"Furthest stage: {a.FurthestStage.Name()}" + (a.FocusParticipant is { } p ? p.Length > 0 ? $" (participant {p})" : " (no speaker turns)" : ""));
        foreach (var w in a.Warnings) o.WriteLine($"Warning: {w}");
        if (a.Timeline.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("Escalation timeline (from first contact):");
            foreach (var t in a.Timeline)
                o.WriteLine($"  {t.Stage.Name(),-16} message #{t.MessageIndex,-5} after {t.MessagesFromFirstContact} messages" +
                            (t.TimeFromFirstContact is { } time ? $", {Duration(time)}" : ""));
        }
        if (a.Indicators.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("Indicators:");
            foreach (var i in a.Indicators)
            {
                var where = i.MessageIndices.Count > 0 ? $" — messages {string.Join(", ", i.MessageIndices.Select(x => $"#{x}"))}" : "";
                var who = i.Participant.Length > 0 ? i.Participant + ", " : "";
                o.WriteLine($"  [{i.Family.Name()}] {i.Description} ({who}strength {i.Strength:0.00}){where}");
                if (i.MatchedPhrases.Count > 0) o.WriteLine($"      matched: {string.Join("; ", i.MatchedPhrases.Select(x => $"\"{x}\""))}");
            }
        }
        if (a.Model is { } model)
        {
            o.WriteLine();
            o.WriteLine($"Model: {model.Name}: probability {model.Probability:0.000} (threshold {model.Threshold:0.000})");
            if (model.TopTerms.Count > 0)
                o.WriteLine($"  strongest terms: {string.Join(", ", model.TopTerms.Select(t => $"\"{t.Term.Trim()}\"{(t.Kind == Safeguard.Conversations.Models.NgramKind.Word ? "" : " (chars)")} {t.Contribution:+0.00;-0.00}"))}");
            if (model.MessageIndices.Count > 0)
                o.WriteLine($"  messages that raised it most: {string.Join(", ", model.MessageIndices.Select(x => $"#{x}"))}");
        }
        if (a.Evidence.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("Evidence messages:");
            foreach (var e in a.Evidence)
                o.WriteLine($"  #{e.Index} {e.Sender}{(e.Timestamp is { } ts ? " " + ts.ToString("u") : "")}: {OneLine(e.Text)}");
        }
    }

    internal static string Duration(TimeSpan t) =>
        t.TotalMinutes < 1 ? $"{t.TotalSeconds:0}s"
        : t.TotalHours < 1 ? $"{t.TotalMinutes:0}m"
        : t.TotalDays < 1 ? $"{t.TotalHours:0.#}h"
        : $"{t.TotalDays:0.#}d";

    private static string OneLine(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length > 200 ? flat[..200] + "…" : flat;
    }
}

using Safeguard.Conversations.Lexicons;
using Safeguard.Conversations.Model;

namespace Safeguard.Conversations.Analysis;

/// <summary>Running evidence about one participant. Memory is bounded by the number of indicators, not messages.</summary>
internal sealed class ParticipantState(string id)
{
    public const int FamilyCount = 6;
    public const int RecentMessageCount = 20;

    public string Id { get; } = id;
    public Participant? Profile { get; set; }
    public int MessagesSent { get; set; }

    public int? StatedAge { get; set; }
    public bool MinorCue { get; set; }
    public bool AdultCue { get; set; }
    public List<int> AgeEvidence { get; } = [];

    public Dictionary<IndicatorDefinition, IndicatorState> Indicators { get; } = new(ReferenceEqualityComparer.Instance);
    public int[] FamilyFirstIndex { get; } = [-1, -1, -1, -1, -1, -1];
    public TimeSpan?[] FamilyFirstTime { get; } = new TimeSpan?[FamilyCount];
    public Queue<string> RecentText { get; } = new();

    public double Score { get; set; }

    public int? KnownAge => Profile?.DeclaredAge ?? StatedAge;
    public bool IsMinor => KnownAge is { } age ? age < 18 : MinorCue;
    public bool IsAdult => KnownAge is { } age ? age >= 18 : AdultCue && !MinorCue;
    public bool AgeIsDeclared => Profile?.DeclaredAge is not null;

    public double FamilyStrength(IndicatorFamily family)
    {
        var miss = 1.0;
        foreach (var state in Indicators.Values)
            if (state.Family == family) miss *= 1 - state.Strength;
        return 1 - miss;
    }
}

internal sealed class IndicatorState(IndicatorDefinition definition, IndicatorFamily family)
{
    public IndicatorDefinition Definition { get; } = definition;
    public IndicatorFamily Family { get; } = family;
    public int Count { get; set; }
    public List<int> Messages { get; } = [];
    public List<string> Phrases { get; } = [];

    /// <summary>Repeats strengthen an indicator with diminishing effect, up to three occurrences.</summary>
    public double Strength => 1 - Math.Pow(1 - Definition.Weight, 1 + 0.5 * (Math.Min(Count, 3) - 1));
}

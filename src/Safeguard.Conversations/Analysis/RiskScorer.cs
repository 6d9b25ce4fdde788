namespace Safeguard.Conversations.Analysis;

/// <summary>
/// The built-in scorer: a logistic combination of family strengths with bonuses for the number of stages, their
/// order, and the speed of escalation. Grooming signals are damped when every other participant is a known adult
/// (adult flirting); coercion is never damped, because sextortion of adults is still reported.
/// </summary>
internal static class RiskScorer
{
    private const double Bias = -4.2;
    private static readonly double[] FamilyWeights = [1.2, 1.6, 2.2, 2.2, 2.6, 5.0];
    private const double AgeGapWeight = 1.2;
    private const double AimedAtMinorBonus = 0.8;
    private const double PerExtraStage = 0.45;
    private const double InOrderBonus = 0.4;
    private const double NewAccountBonus = 0.3;

    public sealed record Breakdown(double[] Families, double AgeGap, int Stages, double Speed, bool NewAccount, double Score);

    public static Breakdown Score(ParticipantState sender, MinorContext context, double ageGap, int newAccountDays)
    {
        var families = new double[ParticipantState.FamilyCount];
        for (var f = 0; f < families.Length; f++)
            families[f] = sender.FamilyStrength((IndicatorFamily)f);

        var contextFactor = context switch { MinorContext.Present => 1.0, MinorContext.Unknown => 0.9, _ => 0.35 };
        var grooming = 0.0;
        for (var f = 0; f < (int)IndicatorFamily.Coercion; f++)
            grooming += FamilyWeights[f] * families[f];
        var stages = families.Count(s => s > 0);
        grooming += PerExtraStage * Math.Max(0, stages - 1);
        if (stages >= 3 && InStageOrder(sender.FamilyFirstIndex)) grooming += InOrderBonus;
        var speed = SpeedBonus(sender);
        grooming += speed;
        var newAccount = speed > 0 && sender.Profile?.AccountAgeDays is { } days && days < newAccountDays;
        if (newAccount) grooming += NewAccountBonus;
        grooming += AgeGapWeight * ageGap;
        // Requests or sexual talk aimed at a known minor matter more than the same words between adults.
        if (context == MinorContext.Present && (families[(int)IndicatorFamily.Requests] > 0 || families[(int)IndicatorFamily.Sexualisation] > 0))
            grooming += AimedAtMinorBonus;

        var z = Bias + contextFactor * grooming + FamilyWeights[(int)IndicatorFamily.Coercion] * families[(int)IndicatorFamily.Coercion];
        return new Breakdown(families, ageGap, stages, speed, newAccount, 1 / (1 + Math.Exp(-z)));
    }

    /// <summary>True when each family first appeared no earlier than the family of the previous stage.</summary>
    private static bool InStageOrder(int[] firstIndex)
    {
        var last = -1;
        foreach (var index in firstIndex)
        {
            if (index < 0) continue;
            if (index < last) return false;
            last = index;
        }
        return true;
    }

    /// <summary>Faster escalation to requests, sexualisation or coercion scores higher (by messages or by time).</summary>
    internal static double SpeedBonus(ParticipantState sender)
    {
        var messages = int.MaxValue;
        TimeSpan? time = null;
        for (var f = (int)IndicatorFamily.Requests; f <= (int)IndicatorFamily.Coercion; f++)
        {
            var index = sender.FamilyFirstIndex[f];
            if (index < 0 || index >= messages) continue;
            messages = index;
            time = sender.FamilyFirstTime[f];
        }
        if (messages == int.MaxValue) return 0;
        var byCount = messages <= 20 ? 0.6 : messages <= 60 ? 0.3 : 0;
        var byTime = time is not { } t ? 0 : t <= TimeSpan.FromHours(1) ? 0.6 : t <= TimeSpan.FromDays(1) ? 0.3 : 0;
        return Math.Max(byCount, byTime);
    }
}

/// <summary>Whether anyone besides the sender is known to be a minor.</summary>
internal enum MinorContext
{
    Present,
    Unknown,
    AdultsOnly,
}

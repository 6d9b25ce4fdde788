namespace Safeguard.Conversations.Analysis;

/// <summary>Indicator families from grooming and sextortion research, plus the age-gap and account signals.</summary>
public enum IndicatorFamily
{
    TrustBuilding,
    RiskAssessment,
    Isolation,
    Requests,
    Sexualisation,
    Coercion,
    AgeGap,
    AccountProfile,
}

/// <summary>Stages in the order a grooming or sextortion conversation usually moves through them.</summary>
public enum ConversationStage
{
    None = 0,
    TrustBuilding = 1,
    RiskAssessment = 2,
    Isolation = 3,
    Requests = 4,
    Sexualisation = 5,
    Coercion = 6,
}

public enum RiskLevel
{
    None,
    Low,
    Medium,
    High,
    Critical,
}

public static class FamilyNames
{
    /// <summary>The family named in a lexicon file's "family:" line.</summary>
    public static IndicatorFamily? FromLexicon(string name) => name switch
    {
        "trust-building" => IndicatorFamily.TrustBuilding,
        "risk-assessment" => IndicatorFamily.RiskAssessment,
        "isolation" => IndicatorFamily.Isolation,
        "requests" => IndicatorFamily.Requests,
        "sexualisation" => IndicatorFamily.Sexualisation,
        "coercion" => IndicatorFamily.Coercion,
        _ => null,
    };

    public static ConversationStage StageOf(IndicatorFamily family) => family switch
    {
        IndicatorFamily.TrustBuilding => ConversationStage.TrustBuilding,
        IndicatorFamily.RiskAssessment => ConversationStage.RiskAssessment,
        IndicatorFamily.Isolation => ConversationStage.Isolation,
        IndicatorFamily.Requests => ConversationStage.Requests,
        IndicatorFamily.Sexualisation => ConversationStage.Sexualisation,
        IndicatorFamily.Coercion => ConversationStage.Coercion,
        _ => ConversationStage.None,
    };

    /// <summary>Kebab-case name used in JSON and text output.</summary>
    public static string Name(this IndicatorFamily family) => family switch
    {
        IndicatorFamily.TrustBuilding => "trust-building",
        IndicatorFamily.RiskAssessment => "risk-assessment",
        IndicatorFamily.Isolation => "isolation",
        IndicatorFamily.Requests => "requests",
        IndicatorFamily.Sexualisation => "sexualisation",
        IndicatorFamily.Coercion => "coercion",
        IndicatorFamily.AgeGap => "age-gap",
        _ => "account-profile",
    };

    public static string Name(this ConversationStage stage) =>
        stage == ConversationStage.None ? "none" : ((IndicatorFamily)((int)stage - 1)).Name();

    public static string Name(this RiskLevel level) => level.ToString().ToLowerInvariant();
}

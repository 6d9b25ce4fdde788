using Safeguard.Conversations.Classifiers;
using Safeguard.Conversations.Lexicons;
using Safeguard.Conversations.Model;
using Safeguard.Conversations.Models;

namespace Safeguard.Conversations.Analysis;

/// <summary>
/// Analyses one conversation incrementally: <see cref="Add"/> updates the state with one message and returns the new
/// score; <see cref="Snapshot"/> builds the full explanation. State is bounded (evidence is capped per indicator), so
/// very long conversations use constant memory. Not thread-safe; <see cref="Monitoring.ConversationMonitor"/> adds locking.
/// </summary>
public sealed class StreamingConversationAnalyzer
{
    private readonly AnalyzerOptions _options;
    private readonly Dictionary<string, ParticipantState> _participants = new(StringComparer.Ordinal);
    private readonly Dictionary<int, EvidenceMessage> _evidence = [];
    private DateTimeOffset? _firstTimestamp;
    private DateTimeOffset? _latestTimestamp;
    private int _missingTimestamps;
    private bool _outOfOrder;
    private bool _truncated;
    private ParticipantState? _focus;
    private double _indicatorScore;
    private double? _modelScore;
    private readonly ConversationModelState? _modelState;
    private readonly StatedAges _ages;

    public StreamingConversationAnalyzer(IEnumerable<Participant>? participants = null, AnalyzerOptions? options = null, string? conversationId = null)
    {
        _options = options ?? AnalyzerOptions.Default;
        _ages = new StatedAges(_participants, _options.MaxEvidencePerIndicator);
        ConversationId = conversationId;
        _modelState = _options.Model?.NewState();
        foreach (var participant in participants ?? [])
            AddParticipant(participant);
    }

    public string? ConversationId { get; }
    public int MessageCount { get; private set; }
    public double Score { get; private set; }
    public RiskLevel Level => _options.Thresholds.LevelOf(Score);

    /// <summary>The model's current score (with a trained model, its probability), or null without a model.</summary>
    public double? ModelScore => _modelScore;
    public ConversationStage FurthestStage => _focus is null ? ConversationStage.None : FurthestStageOf(_focus);

    /// <summary>Someone declared, stated or gave cues of a minor's age, in any message so far or in a profile.</summary>
    public bool MinorStated => _ages.YoungestMinor is not null || _ages.MinorCue || AnyParticipant(minor: true);

    /// <summary>Someone declared, stated or gave cues of an adult's age, in any message so far or in a profile.</summary>
    public bool AdultStated => _ages.OldestAdult is not null || _ages.AdultCue || AnyParticipant(minor: false);

    private bool AnyParticipant(bool minor)
    {
        foreach (var p in _participants.Values)
            if (minor ? p.IsMinor : p.IsAdult) return true;
        return false;
    }

    /// <summary>Adds or updates a participant's profile (declared age, account age).</summary>
    public void AddParticipant(Participant participant)
    {
        State(participant.Id).Profile = participant;
        RescoreAll();
    }

    public RiskUpdate Add(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var index = MessageCount++;
        var elapsed = TrackTime(message.Timestamp);
        var sender = State(message.Sender ?? "");
        sender.MessagesSent++;
        var ageChanged = _ages.Observe(sender.Id);

        var lexicons = _options.Lexicons;
        var normalized = lexicons.Normalizer.Normalize(message.Text);
        _truncated |= normalized.Truncated;
        _modelState?.Add(normalized.Tokens, index, message.Sender ?? "", message.Timestamp, message.Text ?? "");
        TokensObserved?.Invoke(normalized.Tokens);
        var newIndicators = 0;
        var questionEnd = -1;
        foreach (var match in lexicons.Match(normalized.Tokens))
        {
            var indicator = match.Indicator;
            if (indicator.Family == LexiconSet.AgeFamily)
            {
                if (indicator.Id == LexiconSet.AgeQuestion) questionEnd = match.End;
                else ageChanged |= RecordAgeCue(sender, indicator.Id, index, message);
                continue;
            }
            if (FamilyNames.FromLexicon(indicator.Family) is not { } family) continue;
            if (!sender.Indicators.TryGetValue(indicator, out var state))
            {
                sender.Indicators[indicator] = state = new IndicatorState(indicator, family);
                newIndicators++;
            }
            state.Count++;
            if (state.Messages.Count < _options.MaxEvidencePerIndicator)
            {
                state.Messages.Add(index);
                KeepEvidence(index, message);
            }
            if (!state.Phrases.Contains(match.Phrase) && state.Phrases.Count < _options.MaxEvidencePerIndicator)
                state.Phrases.Add(match.Phrase);
            if (sender.FamilyFirstIndex[(int)family] < 0)
            {
                sender.FamilyFirstIndex[(int)family] = index;
                sender.FamilyFirstTime[(int)family] = elapsed;
            }
        }
        var selfStated = lexicons.FindSelfStatedAge(normalized.Tokens);
        var statedAge = _ages.AnswerFrom(sender, normalized.Tokens, selfStated, lexicons) ?? selfStated;
        if (questionEnd >= 0 && _ages.Asked(sender, normalized.Tokens, questionEnd, lexicons) is { } runOnAnswer)
            ageChanged |= RecordConversationAge(runOnAnswer, index, message);
        if (statedAge is { } stated) ageChanged |= RecordConversationAge(stated, index, message);
        if (statedAge is { } age && age != sender.StatedAge)
        {
            sender.StatedAge = age;
            AddAgeEvidence(sender, index, message);
            ageChanged = true;
        }
        if (_options.Classifier is not null)
        {
            sender.RecentText.Enqueue(string.Join(' ', normalized.Tokens.Take(512)));
            if (sender.RecentText.Count > ParticipantState.RecentMessageCount) sender.RecentText.Dequeue();
        }

        if (ageChanged) RescoreAll();
        else Rescore(sender);
        return new RiskUpdate(index, Score, Level, FurthestStage, newIndicators);
    }

    /// <summary>Ages in text count for the conversation as a whole too: without speaker turns that is all we know.</summary>
    private bool RecordConversationAge(int age, int index, ChatMessage message)
    {
        if (!_ages.Record(age, index)) return false;
        KeepEvidence(index, message);
        return true;
    }

    private TimeSpan? TrackTime(DateTimeOffset? timestamp)
    {
        if (timestamp is not { } ts)
        {
            _missingTimestamps++;
            return null;
        }
        _firstTimestamp ??= ts;
        if (_latestTimestamp is { } latest && ts < latest) _outOfOrder = true;
        else _latestTimestamp = ts;
        var elapsed = ts - _firstTimestamp.Value;
        return elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }

    private bool RecordAgeCue(ParticipantState sender, string id, int index, ChatMessage message)
    {
        var changed = false;
        if (id == "minor-cue" && !sender.MinorCue) { sender.MinorCue = true; changed = true; }
        if (id == "adult-cue" && !sender.AdultCue) { sender.AdultCue = true; changed = true; }
        if (changed) AddAgeEvidence(sender, index, message);
        if (id is "minor-cue" or "adult-cue" && _ages.Cue(id == "minor-cue", index))
        {
            KeepEvidence(index, message);
            changed = true;
        }
        return changed;
    }

    private void AddAgeEvidence(ParticipantState sender, int index, ChatMessage message)
    {
        if (sender.AgeEvidence.Count >= _options.MaxEvidencePerIndicator) return;
        sender.AgeEvidence.Add(index);
        KeepEvidence(index, message);
    }

    private void KeepEvidence(int index, ChatMessage message)
    {
        if (_evidence.ContainsKey(index)) return;
        var text = message.Text ?? "";
        if (text.Length > EvidenceMessage.MaxTextLength) text = text[..EvidenceMessage.MaxTextLength] + "…";
        _evidence[index] = new EvidenceMessage(index, message.Sender ?? "", message.Timestamp, text);
    }

    private ParticipantState State(string id)
    {
        if (!_participants.TryGetValue(id, out var state))
            _participants[id] = state = new ParticipantState(id);
        return state;
    }

    private void RescoreAll()
    {
        foreach (var p in _participants.Values)
            p.Score = ScoreOf(p).Score;
        Aggregate();
    }

    private void Rescore(ParticipantState sender)
    {
        sender.Score = ScoreOf(sender).Score;
        Aggregate();
    }

    private void Aggregate()
    {
        ParticipantState? focus = null;
        foreach (var p in _participants.Values)
            if (p.Indicators.Count > 0 && (focus is null || p.Score > focus.Score)) focus = p;
        _focus = focus;
        _indicatorScore = focus?.Score ?? 0;
        _modelScore = null;
        if (_modelState is not null)
        {
            _modelScore = _modelState.Probability(ModelInputs());
            var coercion = focus is not null && focus.FamilyFirstIndex[(int)IndicatorFamily.Coercion] >= 0;
            Score = _options.Combiner.CombineCalibrated(_indicatorScore, _modelScore.Value, _modelState.Model.Threshold,
                _options.Thresholds.High, focus is not null || _modelState.HasEvidence, AllKnownAdults(), coercion);
            return;
        }
        if (_options.Classifier is { } classifier && focus is not null)
            _modelScore = classifier.Score(new ClassifierInput(Features(focus), [.. focus.RecentText]));
        Score = _options.Combiner.Combine(_indicatorScore, _modelScore, focus is not null);
    }

    /// <summary>Called with each message's normalised tokens; training uses it to read exactly what a model sees.</summary>
    internal Action<string[]>? TokensObserved { get; set; }

    /// <summary>True when messages carry no speaker turns (all from one unnamed or single sender).</summary>
    public bool Speakerless => _ages.Speakerless;

    /// <summary>At least two participants, every one a known adult, and no minor anywhere.</summary>
    private bool AllKnownAdults() =>
        _participants.Count >= 2 && !MinorStated && _participants.Values.All(p => p.IsAdult);

    /// <summary>The inputs of a trained model besides n-grams, in <see cref="ModelFeatures.DenseNames"/> order.</summary>
    internal float[] ModelInputs()
    {
        var features = new float[ModelFeatures.DenseNames.Count];
        if (_focus is not null) Features(_focus).CopyTo(features, 0);
        else features[10] = (float)Math.Log(1 + MessageCount);
        features[11] = MinorStated ? 1 : 0;
        features[12] = AdultStated ? 1 : 0;
        features[13] = Speakerless ? 1 : 0;
        return features;
    }

    internal RiskScorer.Breakdown ScoreOf(ParticipantState sender) =>
        RiskScorer.Score(sender, ContextFor(sender), AgeGapOf(sender), _options.NewAccountDays);

    private MinorContext ContextFor(ParticipantState sender)
    {
        var others = 0;
        var adults = 0;
        foreach (var p in _participants.Values)
        {
            if (ReferenceEquals(p, sender)) continue;
            others++;
            if (p.IsMinor) return MinorContext.Present;
            if (p.IsAdult) adults++;
        }
        return _ages.Refine(sender, others > 0 && adults == others ? MinorContext.AdultsOnly : MinorContext.Unknown);
    }

    /// <summary>0.8 when an adult and a minor both declared their ages, 0.6 when either was inferred, else 0.</summary>
    private double AgeGapOf(ParticipantState sender)
    {
        var best = _ages.GapFor(sender);
        if (!sender.IsAdult) return best;
        foreach (var p in _participants.Values)
            if (!ReferenceEquals(p, sender) && p.IsMinor)
                best = Math.Max(best, sender.AgeIsDeclared && p.AgeIsDeclared ? 0.8 : 0.6);
        return best;
    }

    private float[] Features(ParticipantState focus)
    {
        var b = ScoreOf(focus);
        var features = new float[ClassifierInput.FeatureNames.Count];
        for (var f = 0; f < ParticipantState.FamilyCount; f++) features[f] = (float)b.Families[f];
        features[6] = (float)b.AgeGap;
        features[7] = b.Stages / 6f;
        features[8] = (float)b.Speed;
        features[9] = b.NewAccount ? 1 : 0;
        features[10] = (float)Math.Log(1 + MessageCount);
        return features;
    }

    private static ConversationStage FurthestStageOf(ParticipantState p)
    {
        for (var f = ParticipantState.FamilyCount - 1; f >= 0; f--)
            if (p.FamilyFirstIndex[f] >= 0) return FamilyNames.StageOf((IndicatorFamily)f);
        return ConversationStage.None;
    }

    /// <summary>The full explanation of the current state.</summary>
    public ConversationAnalysis Snapshot()
    {
        var findings = new List<IndicatorFinding>();
        var ordered = _participants.Values.OrderByDescending(p => ReferenceEquals(p, _focus)).ThenByDescending(p => p.Score);
        foreach (var p in ordered)
        {
            foreach (var s in p.Indicators.Values.OrderBy(s => s.Family).ThenBy(s => s.Messages[0]))
                findings.Add(new IndicatorFinding(s.Definition.Id, s.Family, s.Definition.Description, p.Id,
                    Math.Round(s.Strength, 3), s.Count, [.. s.Messages], [.. s.Phrases]));
            var gap = AgeGapOf(p);
            if (gap > 0)
                findings.Add(AgeGapFinding(p, gap));
            if (p.Indicators.Count > 0 && ScoreOf(p).NewAccount)
                findings.Add(new IndicatorFinding("new-account", IndicatorFamily.AccountProfile,
                    $"Account is {p.Profile!.AccountAgeDays} days old", p.Id, 0.3, 1, [], []));
        }
        var referenced = findings.SelectMany(f => f.MessageIndices).ToHashSet();
        var evidence = _evidence.Values.Where(e => referenced.Contains(e.Index)).OrderBy(e => e.Index).ToList();
        ModelExplanation? explanation = null;
        if (_modelState is not null)
        {
            var modelEvidence = _modelState.Evidence;
            explanation = new ModelExplanation(_modelState.Model.Name, Math.Round(_modelScore ?? 0, 4), _modelState.Model.Threshold,
                _modelState.TopTerms(10), [.. modelEvidence.Select(e => e.Index)]);
            evidence = [.. evidence.Concat(modelEvidence.Where(m => !referenced.Contains(m.Index))).OrderBy(e => e.Index)];
        }
        return new ConversationAnalysis(ConversationId, Math.Round(Score, 4), Level, FurthestStage, _focus?.Id,
            findings, Timeline(), evidence, MessageCount, Math.Round(_indicatorScore, 4),
            _modelScore is { } m ? Math.Round(m, 4) : null, Warnings()) { Model = explanation };
    }

    private IndicatorFinding AgeGapFinding(ParticipantState adult, double strength)
    {
        var minors = _participants.Values.Where(p => !ReferenceEquals(p, adult) && p.IsMinor).ToList();
        if (!adult.IsAdult || minors.Count == 0) return _ages.GapFinding(adult.Id);
        var messages = adult.AgeEvidence.Concat(minors.SelectMany(m => m.AgeEvidence)).Distinct().Order().ToList();
        static string Describe(ParticipantState p) => p.KnownAge is { } a
            ? $"{p.Id} ({(p.AgeIsDeclared ? "declared" : "stated")} age {a})"
            : $"{p.Id} (inferred {(p.IsMinor ? "minor" : "adult")})";
        var description = $"Adult {Describe(adult)} talking to minor {string.Join(", ", minors.Select(Describe))}";
        return new IndicatorFinding("adult-minor", IndicatorFamily.AgeGap, description, adult.Id, strength, 1, messages, []);
    }

    private List<StageReached> Timeline()
    {
        var timeline = new List<StageReached>();
        if (_focus is null) return timeline;
        for (var f = 0; f < ParticipantState.FamilyCount; f++)
        {
            var index = _focus.FamilyFirstIndex[f];
            if (index >= 0)
                timeline.Add(new StageReached(FamilyNames.StageOf((IndicatorFamily)f), index, index, _focus.FamilyFirstTime[f]));
        }
        return [.. timeline.OrderBy(t => t.MessageIndex).ThenBy(t => t.Stage)];
    }

    private List<string> Warnings()
    {
        var warnings = new List<string>();
        if (_missingTimestamps > 0)
            warnings.Add($"{_missingTimestamps} message(s) have no timestamp; elapsed times use the others");
        if (_outOfOrder)
            warnings.Add("messages arrived out of timestamp order; they were analysed in arrival order");
        if (_truncated)
            warnings.Add($"a message longer than {Text.TextNormalizer.MaxAnalysedChars} characters was analysed only in part");
        return warnings;
    }
}

using Safeguard.Conversations.Lexicons;

namespace Safeguard.Conversations.Analysis;

/// <summary>
/// Ages stated anywhere in a conversation, kept as conversation-level facts, and the pending age question ("asl").
/// Research sets often come as segments without speaker turns (every sender empty, or one sender and nobody else
/// known), where we cannot tell who stated an age; there these facts set the minor context and the age gap that
/// per-participant ages set in ordinary conversations, which are left as they are.
/// </summary>
internal sealed class StatedAges(IReadOnlyDictionary<string, ParticipantState> participants, int maxEvidence)
{
    /// <summary>A bare-number answer must be among the first tokens of one of the next two replies ("lol", "umm 15").</summary>
    public const int AnswerWindow = 3, RepliesAwaited = 2;

    /// <summary>Without speaker turns, a number this close after the question answers it ("asl 15 cali").</summary>
    public const int RunOnWindow = 4;

    /// <summary>Weaker than two declared ages (0.8): nobody is known to have said either age.</summary>
    public const double SpeakerlessGap = 0.6;

    private string? _onlySender;
    private bool _severalSenders;
    private bool _scoredSpeakerless;
    private ParticipantState? _askedBy;
    private int _repliesLeft;
    private readonly List<int> _evidence = [];

    public int? YoungestMinor { get; private set; }
    public int? OldestAdult { get; private set; }
    public bool MinorCue { get; private set; }
    public bool AdultCue { get; private set; }

    /// <summary>No speaker turns so far: every sender empty, or one sender and no other participant known.</summary>
    public bool Speakerless => _onlySender is { } only && !_severalSenders && (only.Length == 0 || participants.Count == 1);

    /// <summary>Notes a message's sender; true when that changes whether the conversation has speaker turns.</summary>
    public bool Observe(string sender)
    {
        if (_onlySender is null) _onlySender = sender;
        else if (sender != _onlySender) _severalSenders = true;
        var now = Speakerless;
        var changed = now != _scoredSpeakerless;
        _scoredSpeakerless = now;
        return changed;
    }

    /// <summary>Records a stated age; true when it is a new fact (first or more extreme minor or adult age).</summary>
    public bool Record(int age, int messageIndex)
    {
        if (age < 18 && (YoungestMinor is not { } young || age < young)) YoungestMinor = age;
        else if (age >= 18 && (OldestAdult is not { } old || age > old)) OldestAdult = age;
        else return false;
        AddEvidence(messageIndex);
        return true;
    }

    /// <summary>Records a minor or adult cue; true the first time each is seen.</summary>
    public bool Cue(bool minor, int messageIndex)
    {
        if (minor ? MinorCue : AdultCue) return false;
        if (minor) MinorCue = true;
        else AdultCue = true;
        AddEvidence(messageIndex);
        return true;
    }

    /// <summary>
    /// The age given in reply to a pending age question, if this message answers it: its self-stated age, or a bare
    /// number near its start. Replies come from anyone but the asker, unless there are no speaker turns.
    /// </summary>
    public int? AnswerFrom(ParticipantState sender, string[] tokens, int? selfStated, LexiconSet lexicons)
    {
        if (_askedBy is null || ReferenceEquals(_askedBy, sender) && !Speakerless) return null;
        var age = selfStated ?? lexicons.FindAgeAnswer(tokens, 0, AnswerWindow);
        if (age is not null || --_repliesLeft == 0) _askedBy = null;
        return age;
    }

    /// <summary>Notes an age question ending at token <paramref name="questionEnd"/>; without speaker turns, returns a number answering it in the same text.</summary>
    public int? Asked(ParticipantState sender, string[] tokens, int questionEnd, LexiconSet lexicons)
    {
        _askedBy = sender;
        _repliesLeft = RepliesAwaited;
        return Speakerless ? lexicons.FindAgeAnswer(tokens, questionEnd, RunOnWindow) : null;
    }

    /// <summary>Without speaker turns, any minor age or cue means a minor is present; adult ages alone mean adults only.</summary>
    public MinorContext Refine(ParticipantState sender, MinorContext context)
    {
        if (!AppliesTo(sender)) return context;
        if (YoungestMinor is not null || MinorCue) return MinorContext.Present;
        return OldestAdult is not null && context == MinorContext.Unknown ? MinorContext.AdultsOnly : context;
    }

    /// <summary>Without speaker turns, a minor and an adult age both stated make an age gap for whoever wrote them.</summary>
    public double GapFor(ParticipantState sender) =>
        AppliesTo(sender) && YoungestMinor is not null && OldestAdult is not null ? SpeakerlessGap : 0;

    public IndicatorFinding GapFinding(string participant) =>
        new("stated-ages", IndicatorFamily.AgeGap,
            $"Ages {OldestAdult} and {YoungestMinor} were stated in a conversation without speaker turns",
            participant, SpeakerlessGap, 1, [.. _evidence.Order()], []);

    private bool AppliesTo(ParticipantState sender) => sender.MessagesSent > 0 && Speakerless;

    private void AddEvidence(int messageIndex)
    {
        if (_evidence.Count < maxEvidence && !_evidence.Contains(messageIndex)) _evidence.Add(messageIndex);
    }
}

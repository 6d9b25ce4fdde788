using Safeguard.Conversations.Analysis;

namespace Safeguard.Payments.Analysis;

/// <summary>
/// Scoring a few accounts without scoring them all, for the service that scores after every batch. A
/// facilitator's score depends on the behaviour of its senders; a purchaser's on its own behaviour and on
/// the facilitators it pays. So for touched senders and receivers this scores the facilitators they reach
/// (the touched receivers and every recipient of a touched sender), every sender of those, and what those
/// senders pay — the same numbers <see cref="Score"/> gives for them.
/// </summary>
public sealed partial class SubjectScorer
{
    /// <summary>
    /// The subjects (level above none) whose score can have changed since <paramref name="senders"/> and
    /// <paramref name="receivers"/> were last scored: the facilitators among the touched receivers and the
    /// recipients of touched senders, and the purchasers among the touched senders and the senders of those
    /// facilitators. Each equals what <see cref="Score"/> gives for that account and role.
    /// </summary>
    public IReadOnlyList<Subject> ScoreAffected(IReadOnlyCollection<int> senders, IReadOnlyCollection<int> receivers)
    {
        // Facilitators whose own score may have changed.
        var facilitatorIds = new HashSet<int>();
        foreach (var r in receivers) if (analyzer.Receivers.ContainsKey(r) || analyzer.Known.Contains(r)) facilitatorIds.Add(r);
        foreach (var s in senders)
            if (analyzer.Senders.TryGetValue(s, out var state))
                foreach (var link in state.Recipients) facilitatorIds.Add(link.Receiver);
        // Purchasers whose score may have changed: the touched ones and everyone paying those facilitators.
        var purchaserIds = new HashSet<int>();
        foreach (var s in senders) if (analyzer.Senders.ContainsKey(s)) purchaserIds.Add(s);
        foreach (var f in facilitatorIds)
            if (analyzer.Receivers.TryGetValue(f, out var r))
                foreach (var s in r.Senders) purchaserIds.Add(s);
        return ScoreSubset(purchaserIds, facilitatorIds);
    }

    /// <summary>The purchaser subjects among <paramref name="purchaserIds"/> and facilitator subjects among <paramref name="facilitatorIds"/>, as <see cref="Score"/> gives them.</summary>
    public IReadOnlyList<Subject> ScoreSubset(IReadOnlySet<int> purchaserIds, IReadOnlySet<int> facilitatorIds)
    {
        var p = _settings.Purchaser;
        // Every facilitator a purchaser of the subset pays is needed for its network hits.
        var neededFacilitators = new HashSet<int>(facilitatorIds);
        foreach (var id in purchaserIds)
            if (analyzer.Senders.TryGetValue(id, out var s))
                foreach (var link in s.Recipients) neededFacilitators.Add(link.Receiver);
        // Behaviour of every sender those facilitators are scored from, and of the purchasers themselves.
        var behaviourIds = new HashSet<int>(purchaserIds);
        foreach (var f in neededFacilitators)
            if (analyzer.Receivers.TryGetValue(f, out var r))
                foreach (var s in r.Senders) behaviourIds.Add(s);
        var behaviour = new Dictionary<int, (List<IndicatorHit> Hits, double Score, bool Regular)>();
        foreach (var id in behaviourIds)
        {
            if (!analyzer.Senders.TryGetValue(id, out var s) || s.RiskyCount == 0 && s.Recipients.Count == 0) continue;
            bool regular = IsRegular(s, p);
            var hits = BehaviourHits(s, regular ? p.RegularDamping : 1.0);
            behaviour[id] = (hits, NoisyOr(hits), regular);
        }

        var facilitators = new Dictionary<int, Subject>();
        foreach (var id in neededFacilitators)
        {
            var subject = analyzer.Receivers.TryGetValue(id, out var r) ? ScoreFacilitator(r, behaviour) : null;
            if (subject is null && analyzer.Known.Contains(id)) subject = KnownOnly(id);
            if (subject is not null) facilitators[id] = subject;
        }

        var subjects = new List<Subject>();
        foreach (var id in facilitatorIds)
            if (facilitators.TryGetValue(id, out var f) && f.Level > RiskLevel.None) subjects.Add(f);
        foreach (var id in purchaserIds)
        {
            if (!behaviour.TryGetValue(id, out var b)) continue;
            if (PurchaserOf(id, b.Hits, facilitators) is { } subject) subjects.Add(subject);
        }
        subjects.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Account, b.Account));
        return subjects;
    }

    /// <summary>As <see cref="Score"/> builds a purchaser from its behaviour hits and the facilitators it pays.</summary>
    private Subject? PurchaserOf(int id, List<IndicatorHit> behaviourHits, Dictionary<int, Subject> facilitators)
    {
        var s = analyzer.Senders[id];
        var hits = new List<IndicatorHit>(behaviourHits);
        AddNetworkHits(s, facilitators, hits);
        double score = NoisyOr(hits);
        var level = _levels.LevelOf(score);
        if (level == RiskLevel.None) return null;
        var links = s.Recipients.OrderByDescending(l => l.Count).ThenBy(l => l.Receiver).ToList();
        return new Subject(
            analyzer.Accounts.NameOf(id), SubjectRole.Purchaser, Round(score), level, hits,
            [.. links.Take(20).Select(l => analyzer.Accounts.NameOf(l.Receiver))],
            Math.Min(s.RiskyFirstTicks, s.FirstTicks), s.LastTicks, s.Home.ToString())
        {
            Flows = [.. links.Select(l => new Flow(analyzer.Accounts.NameOf(id), analyzer.Accounts.NameOf(l.Receiver), l.Count, l.Sum, l.FirstTicks, l.LastTicks))],
        };
    }
}

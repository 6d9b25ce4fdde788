using Safeguard.Conversations.Analysis;

namespace Safeguard.Payments.Analysis;

/// <summary>
/// Turns the analyser's state into subjects in three steps: each sender's own behaviour (damped when all
/// of it looks like regular family support); then recipients paid by several unrelated irregular senders,
/// or by senders of concern, become facilitators; then everyone who pays a facilitator (or a known one)
/// is raised. Strengths combine by noisy-OR: 1 − Π(1 − s).
/// </summary>
public sealed partial class SubjectScorer(PaymentsAnalyzer analyzer)
{
    private readonly IndicatorSettings _settings = analyzer.Settings;
    private readonly RiskThresholds _levels = analyzer.Settings.Thresholds;

    public IReadOnlyList<Subject> Score()
    {
        var p = _settings.Purchaser;
        var behaviour = new Dictionary<int, (List<IndicatorHit> Hits, double Score, bool Regular)>();
        foreach (var (id, s) in analyzer.Senders)
        {
            if (s.RiskyCount == 0 && s.Recipients.Count == 0) continue;
            bool regular = IsRegular(s, p);
            var hits = BehaviourHits(s, regular ? p.RegularDamping : 1.0);
            behaviour[id] = (hits, NoisyOr(hits), regular);
        }

        var facilitators = new Dictionary<int, Subject>();
        foreach (var (id, r) in analyzer.Receivers)
        {
            var subject = ScoreFacilitator(r, behaviour);
            if (subject is not null) facilitators[id] = subject;
        }
        foreach (var id in analyzer.Known)
            if (!facilitators.ContainsKey(id))
                facilitators[id] = KnownOnly(id);

        var subjects = new List<Subject>(facilitators.Values.Where(f => f.Level > RiskLevel.None));
        foreach (var (id, b) in behaviour)
            if (PurchaserOf(id, b.Hits, facilitators) is { } purchaser) subjects.Add(purchaser);
        subjects.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Account, b.Account));
        return subjects;
    }

    private static double Round(double x) => Math.Round(x, 4);

    public static double NoisyOr(IEnumerable<IndicatorHit> hits)
    {
        double none = 1;
        foreach (var h in hits) none *= 1 - Math.Clamp(h.Strength, 0, 1);
        return 1 - none;
    }

    /// <summary>All of a sender's transfers go over steady links (weekly or slower, steady amounts).</summary>
    private static bool IsRegular(SenderState s, PurchaserSettings p)
    {
        if (s.RiskyCount < 3) return false;
        long onRegular = 0;
        foreach (var link in s.Recipients)
        {
            if (link.IsRegular(p)) onRegular += link.Count;
            else if (link.Count >= 3) return false;
        }
        return onRegular >= 0.8 * s.RiskyCount;
    }

    private List<IndicatorHit> BehaviourHits(SenderState s, double damping)
    {
        var p = _settings.Purchaser;
        var hits = new List<IndicatorHit>();
        void Add(string name, double strength, Evidence evidence, string detail)
        {
            if (strength > 0) hits.Add(new IndicatorHit(name, Round(Math.Min(1, strength) * damping), evidence.Ids(), evidence.Count, detail));
        }

        if (s.SmallCount >= 3)
            Add("small-cross-border", p.SmallCrossBorder.Weight * s.SmallCount / (s.SmallCount + p.SmallCrossBorder.HalfCount), s.SmallTransfers,
                $"{s.SmallCount} transfers of at most {_settings.SmallAmount:G} to private persons in high-risk countries");

        if (Escalation(s, p.FrequencyEscalation) is { } esc)
            Add("frequency-escalation", esc.Strength, s.RiskyTransfers, esc.Detail);

        var irregular = s.Recipients.Where(l => !l.IsRegular(p)).ToList();
        if (irregular.Count >= p.SeveralRecipients.MinRecipients)
            Add("several-recipients", p.SeveralRecipients.Weight * Math.Min(1, 0.6 + 0.2 * (irregular.Count - p.SeveralRecipients.MinRecipients)), s.RiskyTransfers,
                $"{irregular.Count} recipients in high-risk countries{(s.RecipientsDropped > 0 ? $" (and {s.RecipientsDropped} transfers to more)" : "")}");

        if (s.RiskyCount >= p.EveningNight.MinTransfers && s.NightCount >= p.EveningNight.MinShare * s.RiskyCount)
            Add("evening-night", p.EveningNight.Weight, s.NightTransfers,
                $"{s.NightCount} of {s.RiskyCount} transfers in the sender's evening or night");

        if (s.RiskyCount >= p.InnocuousDescription.MinTransfers && s.InnocuousCount >= p.InnocuousDescription.MinShare * s.RiskyCount)
            Add("innocuous-description", p.InnocuousDescription.Weight, s.InnocuousTransfers,
                $"{s.InnocuousCount} of {s.RiskyCount} transfers described innocently (school fees, medical, gift...)");

        if (s.SoftwareCount > 0 && s.RiskyCount > 0)
            Add("capture-software", p.CaptureSoftware.Weight, s.Software, $"{s.SoftwareCount} purchases of capture or privacy software");

        if (TravelHit(s, p.Travel) is { } travel)
            Add("travel", travel.Strength, s.TravelEvidence, travel.Detail);

        if (s.CryptoPairs >= p.CryptoThenTransfer.MinPairs)
            Add("crypto-then-transfer", p.CryptoThenTransfer.Weight, s.CryptoEvidence,
                $"{s.CryptoPairs} transfers within {_settings.CryptoWindowDays:G} days of a crypto purchase");
        return hits;
    }

    private static (double Strength, string Detail)? Escalation(SenderState s, Weighted w)
    {
        if (s.RiskyCount < w.MinTransfers) return null;
        int first = Array.FindIndex(s.MonthCount, c => c > 0), last = Array.FindLastIndex(s.MonthCount, c => c > 0);
        int span = last - first + 1;
        if (first < 0 || span < 3) return null;
        int third = Math.Max(1, span / 3);
        double earlyCount = 0, earlySum = 0, lateCount = 0, lateSum = 0;
        for (int m = first; m < first + third; m++) { earlyCount += s.MonthCount[m]; earlySum += s.MonthSum[m]; }
        for (int m = last - third + 1; m <= last; m++) { lateCount += s.MonthCount[m]; lateSum += s.MonthSum[m]; }
        if (earlyCount == 0 || lateCount == 0) return null;
        double rateRatio = lateCount / earlyCount;
        double amountRatio = lateSum / lateCount / (earlySum / earlyCount);
        double excess = Math.Max(rateRatio / w.RateRatio, amountRatio / w.AmountRatio);
        if (excess < 1) return null;
        return (w.Weight * Math.Min(1, 0.7 + 0.3 * (excess - 1)),
            $"transfers per month rose {rateRatio:F1}x and the average amount {amountRatio:F1}x from the first to the last third of {span} months");
    }

    private (double Strength, string Detail)? TravelHit(SenderState s, Weighted w)
    {
        if (s.Travel.Count == 0 || s.RiskyCount == 0) return null;
        var destinations = s.Recipients.Select(l => analyzer.Receivers.TryGetValue(l.Receiver, out var r) ? r.Country : default).ToHashSet();
        (double, string)? best = null;
        foreach (var t in s.Travel)
        {
            if (!destinations.Contains(t.Country)) continue;
            bool longStay = t.LongestStayDays >= w.MinDays || (t.Stays >= 2 && t.Days >= w.MinDays / 2.0);
            if (!longStay) continue;
            double strength = w.Weight + (t.AtmCount >= 3 ? w.AtmWeight : 0) + (t.GiftCount >= 2 ? w.GiftWeight : 0);
            if (best is null || strength > best.Value.Item1)
                best = (strength, $"{t.Stays} stays ({t.Days} days, longest {t.LongestStayDays}) in {t.Country}, where the recipients are; {t.AtmCount} cash withdrawals, {t.GiftCount} gift-like purchases");
        }
        return best;
    }

    private Subject? ScoreFacilitator(ReceiverState r, Dictionary<int, (List<IndicatorHit> Hits, double Score, bool Regular)> behaviour)
    {
        var f = _settings.Facilitator;
        var p = _settings.Purchaser;
        int irregular = 0, ofConcern = 0, strong = 0;
        var flows = new List<Flow>();
        var concernIds = new Evidence();
        foreach (var sender in r.Senders)
        {
            var s = analyzer.Senders[sender];
            var link = s.LinkTo(r.Account, create: false);
            if (link is null) continue;
            flows.Add(new Flow(analyzer.Accounts.NameOf(sender), analyzer.Accounts.NameOf(r.Account), link.Count, link.Sum, link.FirstTicks, link.LastTicks));
            bool regular = link.IsRegular(p) || behaviour.TryGetValue(sender, out var b0) && b0.Regular;
            if (!regular) irregular++;
            if (behaviour.TryGetValue(sender, out var b) && !b.Regular && b.Score >= f.SendersOfConcern.SenderScore)
            {
                ofConcern++;
                if (b.Score >= _levels.High) strong++;
                foreach (var id in link.Ids.Ids().Take(4)) concernIds.Add(id);
            }
        }
        var hits = new List<IndicatorHit>();
        if (irregular >= f.ManyForeignSenders.MinSenders)
            hits.Add(new IndicatorHit("many-foreign-senders", Round(f.ManyForeignSenders.Weight * Math.Min(1, 0.7 + 0.1 * (irregular - f.ManyForeignSenders.MinSenders))),
                r.Received.Ids(), r.Received.Count, $"{irregular} unrelated senders abroad with irregular payments"));
        // Two senders of concern, or one whose own payments are already high among other irregular senders.
        if (ofConcern >= f.SendersOfConcern.MinSenders || strong >= 1 && irregular >= f.SendersOfConcern.MinSenders)
            hits.Add(new IndicatorHit("senders-of-concern", Round(f.SendersOfConcern.Weight * Math.Min(1, 0.8 + 0.1 * Math.Max(0, ofConcern - f.SendersOfConcern.MinSenders))),
                concernIds.Ids(), concernIds.Count, $"{ofConcern} senders whose own payments are of concern"));
        bool known = analyzer.Known.Contains(r.Account);
        if (known)
            hits.Add(new IndicatorHit("known-facilitator", f.KnownFacilitator.Weight, r.Received.Ids(), r.Received.Count, "on the known-facilitator list"));
        if (hits.Count == 0) return null;
        if (irregular >= 2 && r.SmallCount >= f.SmallAmounts.MinShare * r.Count)
            hits.Add(new IndicatorHit("small-amounts", f.SmallAmounts.Weight, r.Received.Ids(), r.Received.Count,
                $"{r.SmallCount} of {r.Count} payments received are small"));
        double score = NoisyOr(hits);
        return new Subject(analyzer.Accounts.NameOf(r.Account), SubjectRole.Facilitator, Round(score), _levels.LevelOf(score), hits,
            [.. flows.OrderByDescending(x => x.Count).Take(20).Select(x => x.From)], r.FirstTicks, r.LastTicks, r.Country.ToString())
        {
            Flows = flows,
        };
    }

    private Subject KnownOnly(int id)
    {
        var hit = new IndicatorHit("known-facilitator", _settings.Facilitator.KnownFacilitator.Weight, [], 0, "on the known-facilitator list");
        var flows = analyzer.Senders.Values
            .Select(s => (s, link: s.LinkTo(id, create: false)))
            .Where(x => x.link is not null)
            .Select(x => new Flow(analyzer.Accounts.NameOf(x.s.Account), analyzer.Accounts.NameOf(id), x.link!.Count, x.link.Sum, x.link.FirstTicks, x.link.LastTicks))
            .ToList();
        long first = flows.Count > 0 ? flows.Min(x => x.FirstTicks) : 0, last = flows.Count > 0 ? flows.Max(x => x.LastTicks) : 0;
        return new Subject(analyzer.Accounts.NameOf(id), SubjectRole.Facilitator, hit.Strength, _levels.LevelOf(hit.Strength), [hit],
            [.. flows.Select(x => x.From)], first, last, "")
        {
            Flows = flows,
        };
    }

    private void AddNetworkHits(SenderState s, Dictionary<int, Subject> facilitators, List<IndicatorHit> hits)
    {
        var p = _settings.Purchaser;
        RecipientLink? bestFacilitator = null, bestKnown = null;
        int paidFacilitators = 0;
        foreach (var link in s.Recipients)
        {
            if (!facilitators.TryGetValue(link.Receiver, out var f)) continue;
            if (analyzer.Known.Contains(link.Receiver)) { if (bestKnown is null || link.Count > bestKnown.Count) bestKnown = link; continue; }
            if (f.Level < RiskLevel.High) continue;
            paidFacilitators++;
            if (bestFacilitator is null || link.Count > bestFacilitator.Count) bestFacilitator = link;
        }
        if (bestKnown is not null)
            hits.Add(new IndicatorHit("known-facilitator", p.KnownFacilitator.Weight, bestKnown.Ids.Ids(), bestKnown.Count,
                $"pays {analyzer.Accounts.NameOf(bestKnown.Receiver)}, on the known-facilitator list"));
        if (bestFacilitator is not null)
            hits.Add(new IndicatorHit("pays-facilitator", Round(p.PaysFacilitator.Weight * (0.8 + 0.2 * Math.Min(1, bestFacilitator.Count / 5.0))), bestFacilitator.Ids.Ids(), bestFacilitator.Count,
                $"pays {paidFacilitators} facilitator{(paidFacilitators == 1 ? "" : "s")}, e.g. {analyzer.Accounts.NameOf(bestFacilitator.Receiver)} ({bestFacilitator.Count} payments)"));
    }
}

using Safeguard.Conversations.Analysis;
using Safeguard.Payments.Analysis;

namespace Safeguard.Payments.Tests.Analysis;

/// <summary>Hand-built feeds whose outcome follows from the indicator settings by hand.</summary>
public class NetworkTests
{
    private static readonly DateTime Start = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Four purchasers in Australia paying F in the Philippines in their evening (10:00 UTC is 20:00 in Sydney), more often and more each month.</summary>
    private static FeedFixtures.Rows Purchasers(FeedFixtures.Rows rows, string facilitator = "F")
    {
        for (int p = 1; p <= 4; p++)
            for (int month = 0; month < 6; month++)
                for (int i = 0; i < 1 + 2 * month; i++)
                    rows.Add(Start.AddMonths(month).AddDays(i * 2 + p % 2).AddHours(10).AddMinutes(p), $"P{p}", "AU", facilitator, "PH", 20 + 10 * month, description: "gift");
        return rows;
    }

    /// <summary>Q pays F three times in the Australian afternoon: alone, that is nothing.</summary>
    private static FeedFixtures.Rows Quiet(FeedFixtures.Rows rows, string to = "F")
    {
        for (int i = 0; i < 3; i++) rows.Add(Start.AddMonths(2 + i).AddDays(3).AddHours(3), "Q", "AU", to, "PH", 50);
        return rows;
    }

    [Fact]
    public void A_recipient_of_several_purchasers_is_a_facilitator_and_raises_everyone_who_pays_it()
    {
        var subjects = FeedFixtures.Scan(Quiet(Purchasers(new FeedFixtures.Rows())).Bytes()).Score();

        var f = Assert.Single(subjects, s => s.Account == "F");
        Assert.Equal(SubjectRole.Facilitator, f.Role);
        Assert.True(f.Level >= RiskLevel.High, $"F at {f.Level} ({f.Score})");
        Assert.Contains(f.Indicators, h => h.Name == "many-foreign-senders");
        Assert.Contains(f.Indicators, h => h.Name == "senders-of-concern");
        Assert.Equal(["P1", "P2", "P3", "P4", "Q"], f.Counterparties.Order());

        foreach (var p in new[] { "P1", "P2", "P3", "P4" })
        {
            var s = Assert.Single(subjects, x => x.Account == p);
            Assert.Equal(SubjectRole.Purchaser, s.Role);
            Assert.Equal(RiskLevel.Critical, s.Level);
            Assert.Contains(s.Indicators, h => h.Name == "frequency-escalation");
            Assert.Contains(s.Indicators, h => h.Name == "evening-night");
            Assert.Contains(s.Indicators, h => h.Name == "pays-facilitator");
        }

        // Q's three monthly, equal payments look like regular support, so its own behaviour is damped:
        // small-cross-border 0.45·3/15·0.25 = 0.0225; pays-facilitator 0.75·(0.8 + 0.2·3/5) = 0.69; together 1 − 0.9775·0.31 = 0.6970.
        var q = Assert.Single(subjects, x => x.Account == "Q");
        Assert.Equal(0.6970, q.Score, 3);
        Assert.Equal(RiskLevel.High, q.Level);
        var hit = Assert.Single(q.Indicators, h => h.Name == "pays-facilitator");
        Assert.Equal(3, hit.Count);
        Assert.DoesNotContain(q.Indicators, h => h.Name == "evening-night");
    }

    [Fact]
    public void Without_the_network_the_quiet_payer_is_not_a_subject()
    {
        var subjects = FeedFixtures.Scan(Quiet(new FeedFixtures.Rows(), to: "G").Bytes()).Score();
        Assert.Empty(subjects);
    }

    [Fact]
    public void Paying_a_known_facilitator_is_critical_and_the_known_account_is_a_subject()
    {
        var rows = new FeedFixtures.Rows().Add(Start.AddHours(3), "S", "GB", "K", "GB", 30, channel: "bank_transfer");
        var subjects = FeedFixtures.Scan(rows.Bytes(), new PaymentsAnalyzer(knownFacilitators: ["K"])).Score();
        var s = Assert.Single(subjects, x => x.Account == "S");
        Assert.Equal(RiskLevel.Critical, s.Level);
        Assert.Equal(["r1"], Assert.Single(s.Indicators, h => h.Name == "known-facilitator").Transactions);
        var k = Assert.Single(subjects, x => x.Account == "K");
        Assert.Equal(SubjectRole.Facilitator, k.Role);
        Assert.Equal(["S"], k.Counterparties);

        // The same row without the list: a domestic payment, nothing at all.
        Assert.Empty(FeedFixtures.Scan(rows.Bytes()).Score());
    }

    [Fact]
    public void Siblings_supporting_one_parent_make_neither_a_facilitator_nor_purchasers()
    {
        var rows = new FeedFixtures.Rows();
        for (int month = 0; month < 12; month++)
            for (int sib = 1; sib <= 4; sib++)
                rows.Add(Start.AddMonths(month).AddDays(4 + sib % 2).AddHours(12 + sib), $"S{sib}", "GB", "Parent", "PH", 300 + sib * 10, description: "school fees");
        var subjects = FeedFixtures.Scan(rows.Bytes()).Score();
        Assert.DoesNotContain(subjects, s => s.Level >= RiskLevel.Medium);
        Assert.DoesNotContain(subjects, s => s.Role == SubjectRole.Facilitator);
    }

    [Fact]
    public void Evening_is_the_senders_own_evening()
    {
        // 02:00 UTC is 21:00 in New York (UTC−5 in the data) but 13:00 in Sydney.
        var us = new FeedFixtures.Rows();
        var au = new FeedFixtures.Rows();
        for (int i = 0; i < 12; i++)
        {
            us.Add(Start.AddDays(i * 3).AddHours(2), "U", "US", "R", "PH", 40);
            au.Add(Start.AddDays(i * 3).AddHours(2), "A", "AU", "R", "PH", 40);
        }
        Assert.Contains(FeedFixtures.Scan(us.Bytes()).Score().Single().Indicators, h => h.Name == "evening-night");
        Assert.DoesNotContain(FeedFixtures.Scan(au.Bytes()).Score().Single().Indicators, h => h.Name == "evening-night");
    }
}

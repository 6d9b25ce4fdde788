using System.Net;
using Safeguard.Crawl.Notices.Contacts;

namespace Safeguard.Crawl.Notices.Tests;

public sealed class ContactsTableTests
{
    private const string Header = "match,provider,abuse_email,web_form,escalation_email,escalation_contact,language,notes\n";

    private static ContactsTable Parse(string body, string? asn = null) =>
        ContactsTable.Parse("contacts.csv", new StringReader(Header + body), asn is null ? null : new StringReader(asn), "asn.csv");

    [Fact]
    public void Longest_prefix_wins_for_ipv4_and_ipv6()
    {
        var table = Parse(
            "203.0.113.0/24,Wide Hosting,abuse@wide.example,,,,,\n" +
            "203.0.113.128/25,Narrow Hosting,abuse@narrow.example,,,,,\n" +
            "203.0.113.200,Single Host,abuse@single.example,,,,,\n" +
            "2001:db8::/32,Six Wide,abuse@sixwide.example,,,,,\n" +
            "2001:db8:1::/48,Six Narrow,abuse@sixnarrow.example,,,,,\n" +
            "0.0.0.0/0,Default Route,abuse@default.example,,,,,\n");
        Assert.Equal("Wide Hosting", table.Resolve("a.test", "203.0.113.5").Provider.Name);
        Assert.Equal("Narrow Hosting", table.Resolve("a.test", "203.0.113.129").Provider.Name);
        Assert.Equal("Single Host", table.Resolve("a.test", "203.0.113.200").Provider.Name);
        Assert.Equal("Default Route", table.Resolve("a.test", "198.51.100.1").Provider.Name);
        Assert.Equal("Six Narrow", table.Resolve("a.test", "2001:db8:1:ffff::1").Provider.Name);
        Assert.Equal("Six Wide", table.Resolve("a.test", "2001:db8:2::1").Provider.Name);
        // An IPv4-mapped IPv6 address is the IPv4 address.
        Assert.Equal("Narrow Hosting", table.Resolve("a.test", "::ffff:203.0.113.130").Provider.Name);
        Assert.True(table.Resolve("a.test", "2001:db9::1").Provider.IsUnassigned);
        Assert.True(table.Resolve("a.test", null).Provider.IsUnassigned);
    }

    [Fact]
    public void Longest_prefix_agrees_with_a_brute_force_scan_on_random_ranges()
    {
        var random = new Random(17);
        var ranges = new List<(uint Network, int Prefix, string Name)>();
        var lines = new System.Text.StringBuilder();
        var seen = new HashSet<(uint, int)>();
        for (int i = 0; i < 400; i++)
        {
            int prefix = random.Next(8, 33);
            uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
            // Few distinct high bytes so ranges nest often.
            uint network = (uint)((10 + random.Next(3)) << 24 | random.Next(1 << 24)) & mask;
            if (!seen.Add((network, prefix))) continue;
            var name = $"P{i}";
            ranges.Add((network, prefix, name));
            lines.Append($"{new IPAddress(BitConverter.GetBytes(network).Reverse().ToArray())}/{prefix},{name},abuse@p{i}.example,,,,,\n");
        }
        var table = Parse(lines.ToString());
        for (int i = 0; i < 5000; i++)
        {
            uint address = (uint)((10 + random.Next(3)) << 24 | random.Next(1 << 24));
            var expected = ranges.Where(r => (address & (r.Prefix == 0 ? 0 : uint.MaxValue << (32 - r.Prefix))) == r.Network)
                .OrderByDescending(r => r.Prefix).Select(r => r.Name).FirstOrDefault() ?? Provider.UnassignedName;
            var ip = new IPAddress(BitConverter.GetBytes(address).Reverse().ToArray()).ToString();
            Assert.Equal(expected, table.Resolve("x.test", ip).Provider.Name);
        }
    }

    [Fact]
    public void Host_rules_exact_before_most_specific_wildcard_before_ip()
    {
        var table = Parse(
            "img.example.com,Exact Host,abuse@exact.example,,,,,\n" +
            "*.example.com,Example Wildcard,abuse@wild.example,,,,,\n" +
            "*.cdn.example.com,Cdn Wildcard,abuse@cdn.example,,,,,\n" +
            "203.0.113.0/24,By Address,abuse@ip.example,,,,,\n" +
            "*.xn--bcher-kva.example,Idn Host,abuse@idn.example,,,,,\n");
        Assert.Equal("Exact Host", table.Resolve("IMG.example.com.", "203.0.113.1").Provider.Name);
        Assert.Equal("Example Wildcard", table.Resolve("other.example.com", "203.0.113.1").Provider.Name);
        Assert.Equal("Cdn Wildcard", table.Resolve("a.b.cdn.example.com", "203.0.113.1").Provider.Name);
        // The wildcard covers subdomains, not the bare name.
        Assert.Equal("By Address", table.Resolve("example.com", "203.0.113.1").Provider.Name);
        Assert.Equal("Idn Host", table.Resolve("www.bücher.example", null).Provider.Name);
        Assert.Contains("contacts.csv:4", table.Resolve("a.b.cdn.example.com", null).Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Asn_rules_apply_through_the_operator_range_file_after_ip_rules()
    {
        var table = Parse(
            "AS64500,Asn Hosting,abuse@asn.example,https://asn.example/abuse,escalate@asn.example,Duty manager,en,\n" +
            "198.51.100.0/25,Range Rule,abuse@range.example,,,,,\n",
            "range,asn\n198.51.100.0/24,AS64500\n192.0.2.0/24,64501\n");
        var asn = table.Resolve("a.test", "198.51.100.200");
        Assert.Equal("Asn Hosting", asn.Provider.Name);
        Assert.Equal("https://asn.example/abuse", asn.Provider.WebForm);
        Assert.Equal("escalate@asn.example", asn.Provider.EscalationEmail);
        Assert.Equal("Range Rule", table.Resolve("a.test", "198.51.100.5").Provider.Name);
        // AS64501 has a range but no contacts row.
        Assert.True(table.Resolve("a.test", "192.0.2.1").Provider.IsUnassigned);
    }

    [Fact]
    public void Rows_naming_one_provider_share_its_details()
    {
        var table = Parse(
            "203.0.113.0/24,Shared,,,,,,\n" +
            "*.shared.example,Shared,abuse@shared.example,,,,,\n");
        Assert.Equal("abuse@shared.example", table.Resolve("a.test", "203.0.113.9").Provider.AbuseEmail);
    }

    [Theory]
    [InlineData("203.0.113.5/24,X,abuse@x.example,,,,,", "contacts.csv:2", "bits set after its /24")]
    [InlineData("203.0.113.0/33,X,abuse@x.example,,,,,", "contacts.csv:2", "prefix length")]
    [InlineData("AS99999999999,X,abuse@x.example,,,,,", "contacts.csv:2", "AS number")]
    [InlineData("exa mple.com,X,abuse@x.example,,,,,", "contacts.csv:2", "not an IP range")]
    [InlineData("a.example,X,not-an-email,,,,,", "contacts.csv:2", "abuse_email 'not-an-email'")]
    [InlineData("a.example,X,\"a@x.example\r\nBcc: victim@example.org\",,,,,", "contacts.csv:2", "is not an email address")]
    [InlineData("a.example,X,abuse@x.example,javascript:alert(1),,,,", "contacts.csv:2", "web_form")]
    [InlineData(",X,abuse@x.example,,,,,", "contacts.csv:2", "required")]
    public void Malformed_rows_are_refused_naming_file_and_line(string row, string where, string what)
    {
        var ex = Assert.Throws<ContactsException>(() => Parse(row + "\n"));
        Assert.Contains(ex.Problems, p => p.StartsWith(where, StringComparison.Ordinal) && p.Contains(what, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_listed_with_its_line_and_duplicates_name_the_first()
    {
        var ex = Assert.Throws<ContactsException>(() => Parse(
            "a.example,A,abuse@a.example,,,,,\n" +
            "bad/range,B,abuse@b.example,,,,,\n" +
            "A.EXAMPLE,C,abuse@c.example,,,,,\n" +
            "b.example,A,other@a.example,,,,,\n"));
        Assert.Contains(ex.Problems, p => p.StartsWith("contacts.csv:3:", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("contacts.csv:4:", StringComparison.Ordinal) && p.Contains("line 2", StringComparison.Ordinal));
        Assert.Contains(ex.Problems, p => p.StartsWith("contacts.csv:5:", StringComparison.Ordinal) && p.Contains("abuse_email", StringComparison.Ordinal));
    }

    [Fact]
    public void A_huge_line_is_reported_and_the_rest_still_read()
    {
        var huge = "x.example,Huge," + new string('a', 100_000) + "@x.example,,,,,\n";
        var ex = Assert.Throws<ContactsException>(() => Parse(huge + "y.example,Fine,abuse@y.example,,,,,\n"));
        Assert.Single(ex.Problems);
        Assert.StartsWith("contacts.csv:2:", ex.Problems[0], StringComparison.Ordinal);
        Assert.Contains("longer than", ex.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_header_and_an_empty_file_are_refused()
    {
        Assert.Contains("unknown column", Assert.Throws<ContactsException>(() =>
            ContactsTable.Parse("c.csv", new StringReader("match,provider,phone\n"))).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<ContactsException>(() => ContactsTable.Parse("c.csv", new StringReader(""))).Message, StringComparison.Ordinal);
        Assert.Contains("asn.csv:2", Assert.Throws<ContactsException>(() =>
            Parse("AS1,X,abuse@x.example,,,,,\n", "range,asn\n10.0.0.0/8,ASX\n")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_names_a_missing_file()
    {
        var ex = Assert.Throws<ContactsException>(() => ContactsTable.Load("/nonexistent/contacts.csv"));
        Assert.Contains("/nonexistent/contacts.csv", ex.Message, StringComparison.Ordinal);
    }
}

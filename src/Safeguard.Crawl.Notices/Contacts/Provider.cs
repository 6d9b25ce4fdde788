namespace Safeguard.Crawl.Notices.Contacts;

/// <summary>A hosting provider and how to reach its abuse desk, as the operator's contacts table gives it.</summary>
public sealed record Provider(
    string Name,
    string? AbuseEmail,
    string? WebForm,
    string? EscalationEmail,
    string? EscalationContact,
    string? Language,
    string? Notes)
{
    /// <summary>The name of the group that collects sightings no contacts row covers.</summary>
    public const string UnassignedName = "unassigned";

    public static Provider Unassigned { get; } = new(UnassignedName, null, null, null, null, null,
        "No contacts row covers these hosts: add one, or send the notice by hand.");

    public bool IsUnassigned => Name == UnassignedName;
}

/// <summary>The provider a sighting belongs to, and the contacts rule that chose it (for the operator to check).</summary>
public readonly record struct Assignment(Provider Provider, string Rule);

/// <summary>Problems in a contacts or ASN-ranges file, every one naming its file and line.</summary>
public sealed class ContactsException(IReadOnlyList<string> problems)
    : Exception(problems.Count == 1 ? problems[0] : $"{problems.Count} problems:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

namespace Safeguard.Crawl.Notices.Sending;

public enum SmtpSecurity
{
    /// <summary>STARTTLS required: the connection is upgraded before anything is sent (port 587).</summary>
    Starttls,
    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,
    /// <summary>Plain text: only for a relay on this machine or a test server.</summary>
    None,
}

/// <summary>
/// Where and how notices are mailed. The password comes from an environment variable or a file,
/// never the command line, and no ToString shows it.
/// </summary>
public sealed class SmtpSettings
{
    public required string Host { get; init; }
    public int Port { get; init; } = 587;
    public SmtpSecurity Security { get; init; } = SmtpSecurity.Starttls;
    public string? User { get; init; }
    public required string From { get; init; }
    public string? ReplyTo { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Not shown by <see cref="ToString"/>.</summary>
    public string? Password { get; init; }

    public override string ToString() =>
        $"smtp {Host}:{Port} ({Security.ToString().ToLowerInvariant()}){(User is null ? "" : $" as {User}")}, from {From}";

    /// <summary>The password from an environment variable's name or a file's path (one of them, or neither).</summary>
    public static string? ReadPassword(string? environmentVariable, string? file)
    {
        if (environmentVariable is not null && file is not null) throw new ArgumentException("give the SMTP password by environment variable or by file, not both");
        if (environmentVariable is not null)
            return Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } value
                ? value : throw new ArgumentException($"environment variable {environmentVariable} (the SMTP password) is not set");
        if (file is not null)
        {
            var info = new FileInfo(file);
            if (!info.Exists) throw new ArgumentException($"{file}: no such SMTP password file");
            if (info.Length > 4096) throw new ArgumentException($"{file}: larger than 4096 bytes, not a password file");
            // One line: a trailing newline an editor adds is not part of the password.
            return File.ReadAllText(file).TrimEnd('\r', '\n');
        }
        return null;
    }
}

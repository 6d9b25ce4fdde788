namespace Safeguard.Server.Auth;

/// <summary>What a key may do. Admin may do everything.</summary>
public static class Roles
{
    public const string Hasher = "hasher";
    public const string Matcher = "matcher";
    public const string Curator = "curator";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";
    /// <summary>Another Safeguard instance reading bank feeds; it sees only the banks its key name has a grant for.</summary>
    public const string Subscriber = "subscriber";

    /// <summary>Sends URLs to the service's crawler (a hotline's report form) and reads its status and sightings.</summary>
    public const string Crawler = "crawler";

    public static readonly string[] All = [Hasher, Matcher, Curator, Reviewer, Admin, Subscriber, Crawler];

    /// <summary>Parses "matcher,curator"; throws on an unknown role.</summary>
    public static string[] Parse(string text)
    {
        var roles = text.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.ToLowerInvariant()).Distinct().ToArray();
        foreach (var r in roles)
            if (!All.Contains(r)) throw new ArgumentException($"unknown role '{r}' (roles: {string.Join(", ", All)})");
        if (roles.Length == 0) throw new ArgumentException($"a key needs at least one role ({string.Join(", ", All)})");
        return roles;
    }
}

/// <summary>The caller of a request: a key, possibly through a UI session.</summary>
public sealed record Caller(long KeyId, string Name, string Prefix, string[] Roles, int? RatePerSecond, int? BlurStrength, bool ViaSession)
{
    /// <summary>Requests this key may have in progress; null: the server's default.</summary>
    public int? MaxConcurrent { get; init; }
    public bool Has(string role) => Roles.Contains(Auth.Roles.Admin) || Roles.Contains(role);
    /// <summary>How the audit log names this caller.</summary>
    public string Actor => $"key:{KeyId}:{Name}";
}

/// <summary>Endpoint metadata: any one of these roles is enough.</summary>
public sealed record RequireRoles(string[] Roles);

/// <summary>Endpoint metadata: no key needed (liveness, the sign-in page).</summary>
public sealed record Anonymous;

/// <summary>Endpoint metadata: a GET that exposes media or writes the audit log, so a browser session needs the UI's anti-forgery header for it.</summary>
public sealed record AuditedRead;

public static class RoleEndpointExtensions
{
    public static TBuilder Roles<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RequireRoles(roles));
        return builder;
    }

    public static TBuilder AllowAnonymousCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new Anonymous());
        return builder;
    }

    public static TBuilder AuditedRead<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new AuditedRead());
        return builder;
    }

    public static Caller Caller(this HttpContext ctx) => (Caller)ctx.Items[typeof(Caller)]!;
}

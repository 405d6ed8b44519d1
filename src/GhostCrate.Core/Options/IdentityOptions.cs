namespace GhostCrate.Core.Options;

/// <summary>Accounts, sessions, tokens and single sign-on (section "Identity"; docs/configuration.md, docs/identity.md).</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";
    /// <summary>Accept user name + password on POST /login. Turn off when everyone signs in through single sign-on.</summary>
    public bool AllowPasswordLogin { get; set; } = true;
    /// <summary>How long a web session lasts without activity (sliding).</summary>
    public int SessionMinutes { get; set; } = 12 * 60;
    /// <summary>Mark cookies Secure. Null: Secure when the request came over https (set true behind a TLS proxy).</summary>
    public bool? SecureCookies { get; set; }
    /// <summary>A folder for the keys that protect cookies; unset (the default) keeps them in the database, shared by every node.</summary>
    public string? KeysPath { get; set; }
    /// <summary>Longest lifetime of a new API token in days; null = tokens may never expire.</summary>
    public int? MaxTokenLifetimeDays { get; set; }
    /// <summary>Most live (not revoked) tokens per user.</summary>
    public int MaxTokensPerUser { get; set; } = 100;
    /// <summary>Days an invitation to own a crate waits for its answer (crates.io: 30), then it lapses.</summary>
    public int OwnerInvitationDays { get; set; } = 30;
    /// <summary>Minimum length of a new password.</summary>
    public int MinPasswordLength { get; set; } = 8;
    /// <summary>Single sign-on providers by key (the key appears in /login/{key}); several may be active at once.</summary>
    public Dictionary<string, SsoProviderOptions> Sso { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public enum SsoProviderType
{
    /// <summary>Any OpenID Connect provider with discovery (Keycloak, Authentik, Okta, Dex, oidc-provider...).</summary>
    Oidc,
    /// <summary>Microsoft Entra ID: Authority defaults to https://login.microsoftonline.com/{TenantId}/v2.0.</summary>
    EntraId,
    /// <summary>Google: Authority https://accounts.google.com.</summary>
    Google,
    /// <summary>GitHub: OAuth 2 (no id_token); the profile comes from its user API, groups from organizations and teams.</summary>
    GitHub,
}

public sealed class SsoProviderOptions
{
    public SsoProviderType Type { get; set; } = SsoProviderType.Oidc;
    /// <summary>Text of the login button, e.g. "Sign in with Contoso".</summary>
    public string? DisplayName { get; set; }
    /// <summary>The issuer URL; discovery is read from {Authority}/.well-known/openid-configuration.</summary>
    public string? Authority { get; set; }
    /// <summary>Entra ID tenant (id or domain) when Type is EntraId.</summary>
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    /// <summary>Scopes to request; defaults to openid profile email (GitHub: read:user user:email read:org).</summary>
    public List<string> Scopes { get; set; } = [];
    /// <summary>Claim holding the wanted user name; defaults to preferred_username, then email, then sub.</summary>
    public string? UsernameClaim { get; set; }
    /// <summary>Claim holding group or role names (Entra ID: groups or roles).</summary>
    public string GroupsClaim { get; set; } = "groups";
    /// <summary>Members of any of these groups become administrators (and stop being one when they leave).</summary>
    public List<string> AdminGroups { get; set; } = [];
    /// <summary>Members of any of these groups are read-only users.</summary>
    public List<string> ReadOnlyGroups { get; set; } = [];
    /// <summary>When not empty, only members of these groups may sign in.</summary>
    public List<string> AllowedGroups { get; set; } = [];
    /// <summary>Create a local user on the first sign-in; otherwise an administrator must create it first.</summary>
    public bool AutoCreateUsers { get; set; } = true;
    /// <summary>Refuse plain-http discovery and token endpoints (turn off only for a provider on 127.0.0.1 in tests).</summary>
    public bool RequireHttps { get; set; } = true;
    /// <summary>GitHub Enterprise: API base, e.g. https://github.example.com/api/v3; defaults to https://api.github.com.</summary>
    public string? ApiUrl { get; set; }
}

/// <summary>Rate limits per client address and per caller (section "RateLimits"). Over the limit: 429 with Retry-After.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";
    public bool Enabled { get; set; } = true;
    /// <summary>Password logins per client address.</summary>
    public RateLimitRule LoginPerAddress { get; set; } = new() { Permits = 20, WindowSeconds = 60 };
    /// <summary>Password logins per attempted user name (slows guessing one account from many addresses).</summary>
    public RateLimitRule LoginPerUser { get; set; } = new() { Permits = 10, WindowSeconds = 60 };
    public RateLimitRule TokenCreationPerAddress { get; set; } = new() { Permits = 30, WindowSeconds = 3600 };
    /// <summary>Token creations per caller (the user of the session or token).</summary>
    public RateLimitRule TokenCreationPerCaller { get; set; } = new() { Permits = 20, WindowSeconds = 3600 };
    public RateLimitRule PublishPerAddress { get; set; } = new() { Permits = 120, WindowSeconds = 60 };
    /// <summary>Publishes per API token.</summary>
    public RateLimitRule PublishPerToken { get; set; } = new() { Permits = 60, WindowSeconds = 60 };
}

public sealed class RateLimitRule
{
    public int Permits { get; set; }
    public int WindowSeconds { get; set; }
}

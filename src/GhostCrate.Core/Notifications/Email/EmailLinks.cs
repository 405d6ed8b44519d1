using GhostCrate.Core.Options;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Notifications.Email;

/// <summary>
/// Absolute links in emails, built from Registry:PublicUrl only: an email is sent by a job long after any request,
/// and a link built from a request's Host header could be pointed anywhere by whoever sent that request.
/// </summary>
public sealed class EmailLinks(IOptions<RegistryOptions> registry)
{
    private Uri Base => new((registry.Value.PublicUrl ?? throw new InvalidOperationException("Registry:PublicUrl is required for email links")).TrimEnd('/') + "/");

    public Uri Home => Base;

    public Uri Crate(string name, string? version = null) =>
        new(Base, "crates/" + Uri.EscapeDataString(name) + (version is null ? "" : "/" + Uri.EscapeDataString(version)));

    public Uri Tokens => new(Base, "me#tokens");

    /// <summary>The administrators' backups page.</summary>
    public Uri Backups => new(Base, "admin/backups");

    /// <summary>Where a user answers their invitations.</summary>
    public Uri Invitations => new(Base, "orgs");

    public Uri Org(string name) => new(Base, "orgs/" + Uri.EscapeDataString(name));

    /// <summary>The administrators' overview (proxy upstreams and their state are listed there).</summary>
    public Uri Admin => new(Base, "admin");

    /// <summary>The administrators' queue of versions held for approval.</summary>
    public Uri Held => new(Base, "admin/held");

    /// <summary>The administrators' mirror operations page (runs and their logs).</summary>
    public Uri Mirror => new(Base, "admin/mirror");

    public Uri Settings => new(Base, "me/notifications");

    public Uri Unsubscribe(string token) => new(Base, "unsubscribe?token=" + Uri.EscapeDataString(token));

    /// <summary>The host part of Message-Id values (RFC 5322 section 3.6.4).</summary>
    public string MessageIdDomain => Base.Host;
}

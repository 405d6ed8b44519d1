using GhostCrate.Core.Abstractions;
using GhostCrate.Core.Audit;
using GhostCrate.Core.Identity;

namespace GhostCrate.Core.Notifications.Email;

/// <summary>A topic and whether this user gets its emails.</summary>
public sealed record EmailChoice(EmailTopic Topic, bool Enabled);

/// <summary>What one user has chosen, and where emails go.</summary>
public sealed record EmailSettings(string? Email, IReadOnlyList<EmailChoice> Choices);

/// <summary>
/// A user's email choices: read and change one's own (the settings page and the JSON API), and the one-click
/// unsubscribe of a signed link, which needs no session (RFC 8058: mail programs POST it on the reader's behalf).
/// Changes are audited.
/// </summary>
public sealed class EmailPreferenceService(
    IEmailPreferenceRepository preferences,
    IUserRepository users,
    IUnsubscribeTokens tokens,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<Result<EmailSettings>> GetAsync(Principal caller, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var user = await users.FindByIdAsync(caller.UserId, cancellationToken);
        if (user is null) return RegistryError.NotFound("no such user");
        var choices = await preferences.GetAsync(user.Id, cancellationToken);
        return Result<EmailSettings>.Ok(new EmailSettings(user.Email, EmailTopics.For(user).Select(t => new EmailChoice(t, EmailTopics.IsOn(choices, t.Name))).ToList()));
    }

    public async Task<Result<EmailSettings>> SetAsync(Principal caller, IReadOnlyDictionary<string, bool> choices, CancellationToken cancellationToken)
    {
        if (Guards.RequireAccountManagement(caller) is { } denied) return denied;
        var offered = EmailTopics.For(caller.IsAdmin);
        if (choices.Keys.FirstOrDefault(k => offered.All(t => t.Name != k)) is { } unknown)
            return RegistryError.BadRequest($"unknown email topic `{unknown}`; known topics: {string.Join(", ", offered.Select(t => t.Name))}");
        if (choices.Count > 0)
        {
            await preferences.SetAsync(caller.UserId, choices, time.GetUtcNow(), cancellationToken);
            await audit.RecordAsync(caller, AuditActions.EmailPreferencesChanged, $"user:{caller.Username}",
                choices.ToDictionary(c => c.Key, c => (string?)(c.Value ? "on" : "off")), cancellationToken);
        }
        return await GetAsync(caller, cancellationToken);
    }

    /// <summary>Reads an unsubscribe token without changing anything (the confirmation page shows what it will do).</summary>
    public async Task<(UserRecord User, EmailTopic Topic)?> InspectAsync(string token, CancellationToken cancellationToken)
    {
        if (tokens.Read(token) is not { } request) return null;
        var topic = EmailTopics.All.FirstOrDefault(t => t.Name == request.Topic);
        var user = await users.FindByIdAsync(request.UserId, cancellationToken);
        return topic is null || user is null ? null : (user, topic);
    }

    /// <summary>Turns the link's topic off for the link's user. Repeating it is harmless.</summary>
    public async Task<Result<EmailTopic>> UnsubscribeAsync(string token, CancellationToken cancellationToken)
    {
        if (await InspectAsync(token, cancellationToken) is not { } found)
            return RegistryError.BadRequest("this unsubscribe link is not valid (it may have been cut short when it was copied)");
        await preferences.SetAsync(found.User.Id, new Dictionary<string, bool> { [found.Topic.Name] = false }, time.GetUtcNow(), cancellationToken);
        await audit.RecordAnonymousAsync(found.User.Username, AuditActions.EmailUnsubscribed, $"user:{found.User.Username}",
            new Dictionary<string, string?> { ["topic"] = found.Topic.Name }, cancellationToken);
        return Result<EmailTopic>.Ok(found.Topic);
    }
}

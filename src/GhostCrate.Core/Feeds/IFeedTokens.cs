namespace GhostCrate.Core.Feeds;

/// <summary>
/// The token in a private registry's feed URLs (feed readers cannot send a header): it stands for one user and can
/// only read feeds, so a URL that leaks into a reader's or a proxy's logs opens nothing else. The host protects it
/// with the shared Data Protection keys (several nodes read each other's tokens); it embeds the user's session
/// version, so a password change (also an administrator's reset) or a change of the user's roles retires every feed URL of that user.
/// </summary>
public interface IFeedTokens
{
    string Create(long userId, long sessionVersion);

    /// <summary>The user and session version, or null when the token was not made by this registry or was altered.</summary>
    (long UserId, long SessionVersion)? Read(string token);
}

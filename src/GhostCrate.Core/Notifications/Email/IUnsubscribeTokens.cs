namespace GhostCrate.Core.Notifications.Email;

/// <summary>What an unsubscribe link stands for: this user no longer wants this topic.</summary>
public sealed record UnsubscribeRequest(long UserId, string Topic);

/// <summary>
/// Signs and reads the token in unsubscribe links, so that a link turns off one topic for one user and nothing else,
/// and cannot be forged (the host protects it with the shared Data Protection keys).
/// </summary>
public interface IUnsubscribeTokens
{
    string Create(UnsubscribeRequest request);

    /// <summary>Null when the token was not made by this registry or was altered.</summary>
    UnsubscribeRequest? Read(string token);
}

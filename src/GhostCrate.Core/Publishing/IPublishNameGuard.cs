using GhostCrate.Core.Abstractions;

namespace GhostCrate.Core.Publishing;

/// <summary>
/// A check on the name of a crate's FIRST publish (new versions of an existing crate are not re-checked: the name was
/// accepted once, and an outsider must not be able to block a private crate by registering its name elsewhere).
/// </summary>
public interface IPublishNameGuard
{
    /// <returns>Null to allow, or the error to refuse the publish with.</returns>
    Task<RegistryError?> CheckNewCrateAsync(string name, CancellationToken cancellationToken);
}

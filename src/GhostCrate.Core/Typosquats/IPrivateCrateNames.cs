namespace GhostCrate.Core.Typosquats;

/// <summary>The private crates that exist among some canonical names.</summary>
public interface IPrivateCrateNames
{
    /// <summary>Canonical name → the crate's own spelling, for those of <paramref name="canonicalNames"/> that are private crates here.</summary>
    Task<IReadOnlyDictionary<string, string>> ExistingAsync(IReadOnlyCollection<string> canonicalNames, CancellationToken cancellationToken);
}

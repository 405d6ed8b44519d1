namespace GhostCrate.Core.Identity;

/// <summary>
/// Port for the keys that encrypt session and antiforgery cookies (ASP.NET Core Data Protection key ring elements), kept
/// in the registry's database so that every node sharing the database reads the same ring and accepts the others'
/// cookies, and so that a backup carries them (docs/identity.md "Cookie keys").
/// Elements are immutable once written: the key manager only ever adds (new keys, revocations).
/// </summary>
public interface IDataProtectionKeyStore
{
    /// <summary>Every stored element's XML, oldest first.</summary>
    Task<IReadOnlyList<string>> GetAllAsync(CancellationToken cancellationToken);

    /// <summary>Adds an element under its friendly name (e.g. key-{id}); false when that name is already stored (unchanged).</summary>
    Task<bool> AddAsync(string friendlyName, string xml, DateTimeOffset now, CancellationToken cancellationToken);
}

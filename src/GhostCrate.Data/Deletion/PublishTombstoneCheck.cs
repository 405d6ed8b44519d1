using System.Data.Common;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Deletion;

namespace GhostCrate.Data.Deletion;

/// <summary>
/// The publish transaction's look at the tombstones (docs/security.md "Deleting crates and versions"): a deleted
/// name+version is never published again, and a deleted crate's name is open only to its former owners and
/// administrators. Run after the crate row is locked (or created), so it cannot race a deletion.
/// </summary>
internal static class PublishTombstoneCheck
{
    public static async Task<PublishWriteResult?> RefuseAsync(DbConnection connection, DbTransaction transaction, NewCrateVersion version, bool created, CancellationToken cancellationToken)
    {
        if (await TombstoneSql.FindVersionAsync(connection, transaction, version.CanonicalName, version.VersionKey, cancellationToken) is { } tombstone)
            return new PublishWriteResult(PublishWriteStatus.Tombstoned, Detail: DeletionService.TombstoneMessage(tombstone, version.Name));
        if (created && !version.PublisherIsAdmin
            && await TombstoneSql.FindCrateAsync(connection, transaction, version.CanonicalName, cancellationToken) is { } crate
            && !crate.OwnerIds.Contains(version.PublisherId))
            return new PublishWriteResult(PublishWriteStatus.NameReserved, Detail: DeletionService.ReservedNameMessage(crate));
        return null;
    }
}

namespace GhostCrate.Core.Organizations;

/// <summary>Port for handing a crate to an organization (issue 23, "transfer to an organization").</summary>
public interface ICrateTransferRepository
{
    /// <summary>
    /// In one transaction, with the crate row locked like publish, yank and delete lock it: the organization becomes
    /// an owner, then the user owners are removed unless <paramref name="keepUserOwners"/>, with an owners.changed
    /// event for each change (and the crate's open owner invitations are withdrawn with them). The organization is added before anyone is removed, so no interleaving of two transfers
    /// (or a transfer and a removal) can leave the crate without an owner. Null when the crate is gone.
    /// </summary>
    Task<CrateTransferOutcome?> TransferAsync(long crateId, long orgId, bool keepUserOwners, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>What the transfer changed: the organization (as spelt), whether it was new as an owner, and the users no longer owners.</summary>
public sealed record CrateTransferOutcome(string Crate, string Org, bool OrgAdded, IReadOnlyList<string> RemovedUsers);

namespace GhostCrate.Core.Identity;

/// <summary>
/// Port: the database's access epoch, a number that moves whenever a token, user, membership, crate owner or a crate's
/// restricted flag changes (migration 0012's triggers). <see cref="AccessCache"/> trusts what it cached only while
/// the epoch it read stays the same.
/// </summary>
public interface IAccessEpoch
{
    Task<long> ReadAsync(CancellationToken cancellationToken);
}

namespace GhostCrate.Core.Changes;

/// <summary>
/// A per-node memory of database state (access decisions, the download policy) that must not trust itself after a
/// write made through this node: the change feed brings other nodes' writes, and this call makes the node's own write
/// count on its very next request, without waiting for the notification round trip. Called once per write request
/// (Web/Http/LocalWriteInvalidation.cs); it must return at once and do any reading in the background or lazily.
/// </summary>
public interface ILocalWriteFollower
{
    void Invalidate();
}

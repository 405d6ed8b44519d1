namespace GhostCrate.Protocol.Client;

/// <summary>What an upstream answered. Expected outcomes are values; only bugs and caller cancellation throw.</summary>
public enum FetchStatus
{
    /// <summary>200: the body is in the result.</summary>
    Ok,
    /// <summary>304: the validators sent still match; the caller's copy is current.</summary>
    NotModified,
    /// <summary>
    /// 404 or 410. Cargo's sparse protocol also treats 451 as "does not exist"
    /// (https://doc.rust-lang.org/cargo/reference/registry-index.html#sparse-protocol); so do we.
    /// </summary>
    NotFound,
    /// <summary>Anything else: connection refused, timeout, TLS failure, 5xx, an unreadable or oversized body.</summary>
    Error,
}

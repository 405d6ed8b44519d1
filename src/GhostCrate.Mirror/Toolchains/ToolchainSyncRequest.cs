namespace GhostCrate.Mirror.Toolchains;

/// <summary>What `ghostcrate toolchain sync` mirrors, from where, and how strictly it checks signatures.</summary>
public sealed record ToolchainSyncRequest
{
    /// <summary>The dist server root (`https://static.rust-lang.org`, or another GhostCrate's `/rustup`).</summary>
    public required Uri DistServer { get; init; }

    /// <summary>Channels as rustup names them: `stable`, `beta`, `nightly`, `1.95`, `1.95.0`, `nightly-2026-04-16`.</summary>
    public required IReadOnlyList<ChannelName> Channels { get; init; }

    public required ToolchainSelection Selection { get; init; }

    /// <summary>OpenPGP public key(s) the channel manifests' `.asc` must verify against; required unless <see cref="Signatures"/> is Skip.</summary>
    public string? TrustedKeyFile { get; init; }

    public SignaturePolicy Signatures { get; init; } = SignaturePolicy.Require;

    /// <summary>Retry and timeout rules; null takes mirror.json's `download` section (or its defaults).</summary>
    public Configuration.DownloadConfig? Download { get; init; }

    /// <summary>Parallel downloads; null takes mirror.json's download.concurrency (or its default).</summary>
    public int? Concurrency { get; init; }

    /// <summary>Keep only the N highest stable releases (`X.Y.Z`) served; null keeps every release (<see cref="ToolchainRetention"/>).</summary>
    public int? KeepStable { get; init; }

    /// <summary>Largest archive accepted (rustc-dev and rust-docs run to a few hundred MB).</summary>
    public long MaxFileBytes { get; init; } = 4L * 1024 * 1024 * 1024;
}

/// <summary>What to do about a channel manifest's detached signature.</summary>
public enum SignaturePolicy
{
    /// <summary>Fail closed: a missing, unreadable or non-matching signature refuses the channel.</summary>
    Require,
    /// <summary>Report a bad or missing signature and mirror anyway (the hashes are still checked).</summary>
    Warn,
    /// <summary>Do not fetch or check signatures.</summary>
    Skip,
}

/// <summary>The outcome of one channel: mirrored (and which release), or refused and why.</summary>
public sealed record ChannelReport(string Channel, string? Version, string? Date, int Files, int Downloaded, long Bytes, string? Refused, IReadOnlyList<string> Warnings)
{
    public bool Mirrored => Refused is null;
}

public sealed record ToolchainSyncReport(IReadOnlyList<ChannelReport> Channels, bool Switched, string? RustupRelease)
{
    /// <summary>Stable releases that retention took out of the served state in this run.</summary>
    public IReadOnlyList<RemovedRelease> Retired { get; init; } = [];

    /// <summary>Hosts whose `rustup-init` of <see cref="RustupRelease"/> is served (`rustup/dist/HOST/` and `rustup/archive/...`).</summary>
    public IReadOnlyList<string> RustupInitHosts { get; init; } = [];

    public bool Complete => Channels.All(c => c.Mirrored);
}

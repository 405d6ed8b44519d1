using System.Text.RegularExpressions;

namespace GhostCrate.Core.Options;

/// <summary>How the builder isolates `cargo doc` (docs/rustdoc.md#the-sandbox).</summary>
public enum DocsBuildSandbox
{
    /// <summary>`unshare --net --pid`: no network at all while build scripts and rustdoc run; needs root.</summary>
    Namespace,

    /// <summary>No network namespace (a server that is not root): build scripts can reach the network. Only when set explicitly.</summary>
    None,
}

/// <summary>Section Docs:Build: the sandboxed `cargo doc` job per published version (docs/rustdoc.md). Off by default.</summary>
public sealed partial class DocsBuildOptions
{
    public const string Section = "Docs:Build";

    public bool Enabled { get; set; }

    /// <summary>
    /// The rustup toolchain every build uses (RUSTUP_TOOLCHAIN, which also overrides a crate's rust-toolchain file):
    /// a channel (`stable`, `nightly`), a version (`1.95.0`) or a dated nightly, installed on every builder node.
    /// </summary>
    public string Toolchain { get; set; } = "stable";

    /// <summary>The cargo to run: normally rustup's proxy, which honours RUSTUP_TOOLCHAIN.</summary>
    public string Cargo { get; set; } = "cargo";

    /// <summary>Wall-clock limit of one build; the whole process group is killed when it runs out.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>CPU seconds each process of a build may use (RLIMIT_CPU through prlimit).</summary>
    public int CpuSeconds { get; set; } = 900;

    /// <summary>Address space each process of a build may use (RLIMIT_AS through prlimit).</summary>
    public long MemoryBytes { get; set; } = 6L * 1024 * 1024 * 1024;

    /// <summary>How much of cargo's output is kept as the build log (its start and its end).</summary>
    public int MaxLogBytes { get; set; } = 1024 * 1024;

    /// <summary>Where each build gets its own CARGO_HOME, sources and target dir, deleted afterwards. Default {DataDir}/docs-build.</summary>
    public string? ScratchDir { get; set; }

    /// <summary>How many builds run at once on this node.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>namespace (default, needs root) or none (no network isolation; must be chosen explicitly).</summary>
    public DocsBuildSandbox Sandbox { get; set; } = DocsBuildSandbox.Namespace;

    /// <summary>
    /// This node's own address on the loopback interface, from which the build fetches dependencies (its sparse index,
    /// the proxy or mirror mount). Default: the first of Urls, with a wildcard host read as 127.0.0.1.
    /// </summary>
    public string? RegistryUrl { get; set; }

    /// <summary>
    /// Where items of crates.io dependencies link to in built docs: docs.rs by default; another docs.rs-like site
    /// ({url}/{crate}/{version}/), or `none` (or empty) on an air-gapped site, where such types stay plain text.
    /// </summary>
    public string? CratesIoDocsUrl { get; set; } = "https://docs.rs";

    /// <summary>
    /// The base URL of crates.io crates' docs, or null when <see cref="CratesIoDocsUrl"/> turns the links off. A method,
    /// not a property: /admin/config lists every property as a setting.
    /// </summary>
    public string? CratesIoDocsBase() =>
        string.IsNullOrWhiteSpace(CratesIoDocsUrl) || CratesIoDocsUrl.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : CratesIoDocsUrl.TrimEnd('/');

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ToolchainName();

    /// <summary>Checked at start-up; <paramref name="isRoot"/> decides whether the network namespace can be made.</summary>
    public static IEnumerable<string> Validate(DocsBuildOptions options, bool isRoot)
    {
        if (!options.Enabled) yield break;
        if (!ToolchainName().IsMatch(options.Toolchain ?? ""))
            yield return $"{Section}:Toolchain must be a rustup toolchain name such as stable, 1.95.0 or nightly-2026-12-01 (got '{options.Toolchain}')";
        if (string.IsNullOrWhiteSpace(options.Cargo)) yield return $"{Section}:Cargo must name the cargo executable (e.g. cargo, or /root/.cargo/bin/cargo)";
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromHours(6)) yield return $"{Section}:Timeout must be between 1 second and 6 hours (got {options.Timeout})";
        if (options.CpuSeconds <= 0) yield return $"{Section}:CpuSeconds must be positive (got {options.CpuSeconds})";
        if (options.MemoryBytes < 256L * 1024 * 1024) yield return $"{Section}:MemoryBytes must be at least 268435456 (256 MiB; rustc needs more; got {options.MemoryBytes})";
        if (options.MaxLogBytes is < 4096 or > 16 * 1024 * 1024) yield return $"{Section}:MaxLogBytes must be between 4096 and 16777216 (got {options.MaxLogBytes})";
        if (string.IsNullOrWhiteSpace(options.ScratchDir)) yield return $"{Section}:ScratchDir must name a directory";
        if (options.CratesIoDocsBase() is { } docsBase && (!Uri.TryCreate(docsBase, UriKind.Absolute, out var docsUri) || docsUri.Scheme is not ("http" or "https") || docsUri.Query.Length > 0))
            yield return $"{Section}:CratesIoDocsUrl must be an http(s) URL such as https://docs.rs, or none (got '{options.CratesIoDocsUrl}')";
        if (options.Concurrency is < 1 or > 64) yield return $"{Section}:Concurrency must be between 1 and 64 (got {options.Concurrency})";
        if (!Uri.TryCreate(options.RegistryUrl, UriKind.Absolute, out var registry) || registry.Scheme is not ("http" or "https"))
            yield return $"{Section}:RegistryUrl must be this node's http(s) address on the loopback interface, e.g. http://127.0.0.1:8000 (got '{options.RegistryUrl}')";
        else if (!registry.IsLoopback)
            yield return $"{Section}:RegistryUrl must be a loopback address (127.0.0.1, ::1 or localhost): the build fetches dependencies from this node only (got '{options.RegistryUrl}')";
        // Without root, `unshare --net` cannot make a network namespace; building anyway would let build scripts reach
        // the network, so that is a choice an administrator writes down, never a silent fallback.
        if (options.Sandbox == DocsBuildSandbox.Namespace && !isRoot)
            yield return $"{Section}:Sandbox=namespace needs the server to run as root (unshare --net); run it as root, or set {Section}:Sandbox=none to build without network isolation (docs/rustdoc.md#the-sandbox)";
    }

    /// <summary>The default RegistryUrl from the server's listen addresses (http://*:8000 becomes http://127.0.0.1:8000).</summary>
    public static string? DefaultRegistryUrl(IReadOnlyList<string> urls)
    {
        foreach (var url in urls)
        {
            var normalized = url.Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://[::1]", StringComparison.Ordinal);
            if (Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && uri.Scheme == "http") return normalized.TrimEnd('/');
        }
        return urls.Count > 0 ? urls[0].TrimEnd('/') : null;
    }
}

using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GhostCrate.Core.Crates;
using GhostCrate.Core.Identity;
using GhostCrate.Core.Options;
using GhostCrate.Core.Storage;
using GhostCrate.Packaging.Docs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GhostCrate.Core.Docs.Build;

/// <summary>What one build produced: built (its docs are now the version's) or failed, and the capped log either way.</summary>
public sealed record DocsBuildResult(bool Built, string Log);

/// <summary>
/// Builds one version's rustdoc the way docs.rs does, in two steps with a scratch directory of its own
/// ({ScratchDir}/{build}/: CARGO_HOME, the unpacked .crate, the target dir; deleted afterwards whatever happened):
/// 1. `cargo fetch` outside the network namespace, but with a generated cargo config that can reach only this node on
///    its loopback address: this registry's sparse index (with a read token held in memory when the registry requires
///    authentication), and crates.io replaced by this node's proxy or mirror mount (or by an empty directory when both
///    are off). No crate code runs in this step: fetch compiles nothing.
/// 2. `cargo doc --no-deps --offline` inside `unshare --net --pid --mount` (Docs:Build:Sandbox=namespace): build
///    scripts, proc macros and rustdoc run with no network at all, as nobody, seeing only the system and the toolchain
///    read-only and their scratch directory (<see cref="FileSystemSandbox"/>). rustdoc links the dependencies' items
///    to their docs (<see cref="DependencyDocLinks"/>).
/// Both steps run under prlimit and one wall-clock deadline that kills the whole process group. The toolchain is
/// pinned with RUSTUP_TOOLCHAIN (which also outranks a crate's rust-toolchain file). The built `target/doc` is stored
/// as a new generation and swapped in, exactly as an upload is.
/// </summary>
public sealed partial class DocsBuilder(
    IBlobStore blobs,
    IUserRepository users,
    DocsBuildCredentials credentials,
    DocsGenerationStore generations,
    IOptions<DocsOptions> docsOptions,
    IOptions<RegistryOptions> registryOptions,
    IOptions<ProxyOptions> proxyOptions,
    IOptions<MirrorOptions> mirrorOptions,
    TimeProvider time,
    ILogger<DocsBuilder> logger)
{
    private const string Registry = "ghostcrate";
    private const string Upstream = "ghostcrate-upstream";

    /// <param name="ticket">The build's ticket (IDocsRepository.TryStartBuildAsync): docs uploaded after the build was queued are kept.</param>
    public async Task<DocsBuildResult> BuildAsync(CrateRecord crate, VersionRecord version, long ticket, CancellationToken cancellationToken)
    {
        var options = docsOptions.Value.Build;
        var log = new CappedLog(options.MaxLogBytes);
        log.Line($"building the docs of {crate.Name} {version.Version} with toolchain {options.Toolchain} (Docs:Build:Toolchain)");
        var scratch = Path.Combine(options.ScratchDir!, $"{crate.CanonicalName}-{version.Version}-{Guid.NewGuid():N}");
        string? token = null;
        try
        {
            Directory.CreateDirectory(scratch);
            var built = await RunAsync(crate, version, options, scratch, log, ticket, t => token = t, cancellationToken);
            return new DocsBuildResult(built, log.ToString());
        }
        finally
        {
            if (token is not null) credentials.Revoke(token);
            DeleteScratch(scratch);
        }
    }

    private async Task<bool> RunAsync(CrateRecord crate, VersionRecord version, DocsBuildOptions options, string scratch, CappedLog log, long ticket,
        Action<string> tokenIssued, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var home = Directory.CreateDirectory(Path.Combine(scratch, "cargo-home")).FullName;
        var target = Path.Combine(scratch, "target");
        var empty = Directory.CreateDirectory(Path.Combine(scratch, "no-crates-io")).FullName;
        var source = Path.Combine(scratch, "src");
        Directory.CreateDirectory(Path.Combine(scratch, "home"));
        Directory.CreateDirectory(Path.Combine(scratch, "tmp"));

        var manifestText = await UnpackAsync(crate, version, source, log, cancellationToken);
        if (manifestText is null) return false;

        var registryUrl = options.RegistryUrl!.TrimEnd('/');
        var localIndex = $"sparse+{registryUrl}/index/";
        var allowed = new HashSet<string>(StringComparer.Ordinal) { DocsBuildManifest.Normalize(localIndex) };
        if (registryOptions.Value.PublicUrl is { Length: > 0 } publicUrl) allowed.Add(DocsBuildManifest.Normalize($"{publicUrl.TrimEnd('/')}/index/"));
        var (manifest, refused) = DocsBuildManifest.Read(manifestText, allowed);
        if (manifest is null)
        {
            log.Line($"refused: {refused}");
            return false;
        }

        var environment = BaseEnvironment(options, scratch, home, target);
        var fetchEnvironment = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        if (registryOptions.Value.AuthRequired)
        {
            var user = version.PublishedBy is { } publisherId ? await users.FindByIdAsync(publisherId, cancellationToken) : null;
            if (user is null || user.IsDisabled)
            {
                log.Line("refused: the registry requires authentication and the version's publisher no longer has an active account to read dependencies as");
                return false;
            }
            // Read as the publisher: the build sees the restricted crates its publisher may read, and no others.
            var token = credentials.Issue(user, options.Timeout + TimeSpan.FromMinutes(1));
            tokenIssued(token);
            fetchEnvironment["CARGO_REGISTRIES_GHOSTCRATE_TOKEN"] = token;
            fetchEnvironment["CARGO_REGISTRIES_GHOSTCRATE_UPSTREAM_TOKEN"] = token;
        }
        await File.WriteAllTextAsync(Path.Combine(home, "config.toml"), CargoConfig(localIndex, registryUrl, manifest, empty), cancellationToken);

        var manifestPath = Path.Combine(source, "Cargo.toml");
        var fetch = await BuildProcess.RunAsync(options.Cargo, ["fetch", "--manifest-path", manifestPath], source, fetchEnvironment,
            sandbox: null, options, options.Timeout, log, time, cancellationToken);
        if (fetch != BuildStepOutcome.Succeeded) return Failed(fetch, options, log, "fetching the dependencies");
        var links = await DependencyLinksAsync(options, manifestPath, source, fetchEnvironment, started, log, cancellationToken);

        List<string> rustdocFlags = ["--cfg", "docsrs"];
        if (links is { RootCrate: { } rootCrate, ByCrate.Count: > 0 })
        {
            rustdocFlags.AddRange(["-Z", "unstable-options"]);
            foreach (var (crateName, url) in links.ByCrate) rustdocFlags.AddRange(["--extern-html-root-url", $"{crateName}={url}"]);
        }
        var docEnvironment = new Dictionary<string, string>(environment, StringComparer.Ordinal)
        {
            // docs.rs's conventions (https://docs.rs/about/builds): `--cfg docsrs` for rustdoc and rustc, DOCS_RS=1 for build scripts.
            ["CARGO_ENCODED_RUSTDOCFLAGS"] = string.Join('\u001f', [.. rustdocFlags, .. manifest.RustdocArgs]),
            ["CARGO_ENCODED_RUSTFLAGS"] = string.Join('\u001f', ["--cfg", "docsrs", .. manifest.RustcArgs]),
            ["DOCS_RS"] = "1",
        };
        // --extern-html-root-url is unstable (docs.rs builds with nightly); RUSTC_BOOTSTRAP set to one crate name lets
        // only that crate's rustdoc take it on a stable toolchain (https://doc.rust-lang.org/beta/unstable-book/compiler-environment-variables/RUSTC_BOOTSTRAP.html).
        if (links is { RootCrate: { } bootstrapped, ByCrate.Count: > 0 }) docEnvironment["RUSTC_BOOTSTRAP"] = bootstrapped;
        List<string> docArguments = ["doc", "--no-deps", "--offline", "--manifest-path", manifestPath];
        if (manifest.AllFeatures) docArguments.Add("--all-features");
        if (manifest.NoDefaultFeatures) docArguments.Add("--no-default-features");
        if (manifest.Features.Count > 0) docArguments.AddRange(["--features", string.Join(',', manifest.Features)]);
        // docs.rs builds the crate's default-target when it names one; cargo then writes target/{triple}/doc.
        var docFolder = Path.Combine(target, "doc");
        if (manifest.DefaultTarget is { } triple)
        {
            docArguments.AddRange(["--target", triple]);
            docFolder = Path.Combine(target, triple, "doc");
            log.Line($"building for the target {triple} ([package.metadata.docs.rs] default-target)");
        }
        var left = options.Timeout - (time.GetUtcNow() - started);
        var doc = left <= TimeSpan.Zero ? BuildStepOutcome.TimedOut : await BuildProcess.RunAsync(options.Cargo, docArguments, source, docEnvironment,
            sandbox: options.Sandbox == DocsBuildSandbox.Namespace ? Sandbox(options, scratch) : null, options, left, log, time, cancellationToken);
        if (doc != BuildStepOutcome.Succeeded) return Failed(doc, options, log, "`cargo doc`");

        var limits = new DocsArchiveLimits(docsOptions.Value.MaxUnpackedBytes, docsOptions.Value.MaxFiles, docsOptions.Value.MaxPathBytes);
        var stored = await generations.StoreFolderAsync(crate.Name, version.Version, version.Id, docFolder, "build", version.PublishedBy, limits, ticket, cancellationToken);
        if (stored.Error is { } tooLarge)
        {
            log.Line($"refused: {tooLarge}");
            return false;
        }
        if (stored.Kept)
        {
            log.Line("not stored: the version's docs were uploaded after this build was queued, and the newer upload is kept");
            return true;
        }
        log.Line($"stored {stored.Files} files ({stored.Bytes} bytes) in {(time.GetUtcNow() - started).TotalSeconds:F0} s");
        logger.LogInformation("Docs of {Crate} {Version} built: {Files} files", crate.Name, version.Version, stored.Files);
        return true;
    }

    private static bool Failed(BuildStepOutcome outcome, DocsBuildOptions options, CappedLog log, string step)
    {
        log.Line(outcome == BuildStepOutcome.TimedOut
            ? $"killed: {step} ran past the time limit of {options.Timeout} (Docs:Build:Timeout); the whole process group was stopped"
            : $"failed: {step} did not succeed");
        if (outcome == BuildStepOutcome.Failed && LimitHit(log.ToString(), options) is { } limit) log.Line(limit);
        return false;
    }

    /// <summary>
    /// Which per-process limit ended a failed step, from what cargo (or BuildProcess) wrote of its processes, or null.
    /// The log is the build's own output, so a crate could fake these words: they only explain its own failure.
    /// </summary>
    public static string? LimitHit(string log, DocsBuildOptions options)
    {
        // RLIMIT_CPU's soft limit sends SIGXCPU (24 on Linux): cargo reports a build script or rustc it ended as
        // "(signal: 24)" (cargo-util's status_to_string names only some signals); cargo itself ended by it leaves
        // BuildProcess's "(exit code 152: SIGXCPU ...)".
        if (log.Contains("SIGXCPU", StringComparison.Ordinal) || SigXcpuReport().IsMatch(log))
            return $"failed: a process of the build used up its CPU time: Docs:Build:CpuSeconds allows {options.CpuSeconds} s per process (it was stopped by SIGXCPU)";
        // An allocation refused under RLIMIT_AS aborts with Rust's "memory allocation of N bytes failed" (LLVM: "out of memory").
        if (log.Contains("memory allocation of ", StringComparison.Ordinal) || log.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
            return $"failed: a process of the build ran out of memory: Docs:Build:MemoryBytes allows {options.MemoryBytes} bytes of address space per process";
        // SIGKILL is what RLIMIT_CPU's hard limit sends a process that ignored SIGXCPU, and what the kernel's OOM killer sends.
        if (log.Contains("SIGKILL", StringComparison.Ordinal))
            return $"failed: a process of the build was killed (SIGKILL): past the CPU-time hard limit (Docs:Build:CpuSeconds {options.CpuSeconds} s + 1 s, after ignoring SIGXCPU) or by the kernel's out-of-memory killer";
        return null;
    }

    /// <summary>
    /// `cargo metadata` after the fetch (offline, outside the sandbox: it reads manifests and runs no crate code): the
    /// dependencies' docs URLs for rustdoc. A failure only costs the links, never the build.
    /// </summary>
    private async Task<DependencyDocLinks.Links?> DependencyLinksAsync(DocsBuildOptions options, string manifestPath, string source,
        IReadOnlyDictionary<string, string> environment, DateTimeOffset started, CappedLog log, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var left = options.Timeout - (time.GetUtcNow() - started);
        if (left <= TimeSpan.Zero) return null;
        var outcome = await BuildProcess.RunAsync(options.Cargo, ["metadata", "--format-version", "1", "--offline", "--manifest-path", manifestPath], source, environment,
            sandbox: null, options, left, log, time, cancellationToken, standardOutput: line => output.Append(line));
        if (outcome != BuildStepOutcome.Succeeded) return null;
        try
        {
            return DependencyDocLinks.FromMetadata(output.ToString(), options.CratesIoDocsBase());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            log.Line($"(links to the dependencies' docs left out: cargo metadata's answer was not understood: {ex.Message})");
            return null;
        }
    }

    /// <summary>The build's file-system view: the system and the toolchain read-only, its scratch directory writable, nothing else.</summary>
    private static FileSystemSandbox Sandbox(DocsBuildOptions options, string scratch)
    {
        var root = Directory.CreateDirectory(Path.Combine(scratch, "sandbox-root")).FullName;
        var toolchain = FileSystemSandbox.ToolchainPaths(options.Cargo, RustupHome(), Environment.GetEnvironmentVariable("PATH"));
        return new FileSystemSandbox(root, Path.GetFullPath(scratch), [.. FileSystemSandbox.SystemPaths, .. toolchain.Distinct()]);
    }

    /// <summary>rustup's home: RUSTUP_HOME, else ~/.rustup of the server's user (the build's HOME is its scratch directory).</summary>
    private static string? RustupHome() =>
        Environment.GetEnvironmentVariable("RUSTUP_HOME") is { Length: > 0 } set ? set
        : Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home && Directory.Exists(Path.Combine(home, ".rustup")) ? Path.Combine(home, ".rustup") : null;

    /// <summary>The .crate unpacked with the upload's path rules (no links, no absolute paths, no `..`), minus cargo configs.</summary>
    private async Task<string?> UnpackAsync(CrateRecord crate, VersionRecord version, string source, CappedLog log, CancellationToken cancellationToken)
    {
        byte[] crateFile;
        await using (var content = await blobs.OpenReadAsync(BlobKey.CrateFile(crate.Name, version.Version), cancellationToken))
        {
            if (content is null)
            {
                log.Line("failed: the .crate file is missing from storage");
                return null;
            }
            using var buffer = new MemoryStream();
            await content.Stream.CopyToAsync(buffer, cancellationToken);
            crateFile = buffer.ToArray();
        }
        var limits = new DocsArchiveLimits(registryOptions.Value.MaxUnpackedSizeBytes, registryOptions.Value.MaxTarballEntries, 1024);
        var scan = DocsArchiveReader.Scan(crateFile, limits);
        if (scan.Error is { } invalid)
        {
            log.Line($"refused: {invalid.Message}");
            return null;
        }
        var prefix = $"{crate.Name}-{version.Version}/";
        foreach (var (file, stream) in DocsArchiveReader.ReadFiles(crateFile, scan))
        {
            if (!file.Path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var relative = file.Path[prefix.Length..];
            // A packaged .cargo/config.toml would steer `cargo fetch` (sources, proxies); the toolchain is ours to pin.
            if (relative.StartsWith(".cargo/", StringComparison.Ordinal) || relative is "rust-toolchain" or "rust-toolchain.toml") continue;
            var path = Path.Combine(source, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using var output = File.Create(path);
            await stream.CopyToAsync(output, cancellationToken);
        }
        var manifestPath = Path.Combine(source, "Cargo.toml");
        if (!File.Exists(manifestPath))
        {
            log.Line($"failed: the .crate file has no {prefix}Cargo.toml");
            return null;
        }
        return await File.ReadAllTextAsync(manifestPath, cancellationToken);
    }

    /// <summary>Only what cargo and rustup need: nothing of the server's own environment (database, S3 keys) reaches build scripts.</summary>
    private static Dictionary<string, string> BaseEnvironment(DocsBuildOptions options, string scratch, string home, string target)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            // The server's home (its dotfiles, its ~/.cargo/credentials) is none of the build's business.
            ["HOME"] = Path.Combine(scratch, "home"),
            ["TMPDIR"] = Path.Combine(scratch, "tmp"),
            ["LANG"] = "C.UTF-8",
            ["CARGO_HOME"] = home,
            ["CARGO_TARGET_DIR"] = target,
            ["RUSTUP_TOOLCHAIN"] = options.Toolchain,
            // A missing toolchain is an error, never a download.
            ["RUSTUP_AUTO_INSTALL"] = "0",
            ["CARGO_TERM_COLOR"] = "never",
            ["CARGO_TERM_PROGRESS_WHEN"] = "never",
            ["CARGO_INCREMENTAL"] = "0",
            ["NO_PROXY"] = "127.0.0.1,localhost,::1",
        };
        if (RustupHome() is { } rustupHome) environment["RUSTUP_HOME"] = rustupHome;
        return environment;
    }

    /// <summary>
    /// The build's cargo config (https://doc.rust-lang.org/cargo/reference/source-replacement.html): this registry
    /// under its loopback address, the URLs the crate's manifest names for it replaced by that one, and crates.io
    /// replaced by this node's proxy or mirror mount, or by an empty directory, so nothing is fetched from the internet.
    /// </summary>
    private string CargoConfig(string localIndex, string registryUrl, DocsBuildManifest manifest, string emptyDirectory)
    {
        var config = new StringBuilder();
        // cargo sends a token to an auth-required registry only with a credential provider configured for it.
        config.AppendLine($"[registries.{Registry}]").AppendLine($"index = {Quote(localIndex)}").AppendLine("credential-provider = \"cargo:token\"");
        var n = 0;
        foreach (var index in manifest.RegistryIndexes.Where(i => DocsBuildManifest.Normalize(i) != DocsBuildManifest.Normalize(localIndex)))
        {
            config.AppendLine($"[source.published-{++n}]").AppendLine($"registry = {Quote(index)}").AppendLine($"replace-with = \"{Registry}\"");
        }
        var upstream = CratesIoMount();
        if (upstream is not null)
        {
            config.AppendLine($"[registries.{Upstream}]").AppendLine($"index = {Quote($"sparse+{registryUrl}/{upstream.Trim('/')}/index/")}").AppendLine("credential-provider = \"cargo:token\"");
            config.AppendLine("[source.crates-io]").AppendLine($"replace-with = \"{Upstream}\"");
        }
        else
        {
            config.AppendLine("[source.no-crates-io]").AppendLine($"directory = {Quote(emptyDirectory)}");
            config.AppendLine("[source.crates-io]").AppendLine("replace-with = \"no-crates-io\"");
        }
        config.AppendLine("[net]").AppendLine("retry = 1").AppendLine("git-fetch-with-cli = false");
        config.AppendLine("[http]").AppendLine("proxy = \"\"");
        return config.ToString();
    }

    /// <summary>The mount serving crates.io on this node: the proxy's crates-io upstream, else the offline mirror; null when neither.</summary>
    private string? CratesIoMount()
    {
        var proxy = proxyOptions.Value;
        foreach (var (mount, upstream) in proxy.EffectiveUpstreams())
        {
            if (mount == ProxyOptions.CratesIo || (upstream.IndexUrl ?? "").Contains("index.crates.io", StringComparison.OrdinalIgnoreCase)) return mount;
        }
        return mirrorOptions.Value.Enabled ? mirrorOptions.Value.MountPath : null;
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private void DeleteScratch(string scratch)
    {
        try
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not delete the build directory {Directory}", scratch);
        }
    }

    [GeneratedRegex(@"\bsignal: 24\b", RegexOptions.CultureInvariant)]
    private static partial Regex SigXcpuReport();
}

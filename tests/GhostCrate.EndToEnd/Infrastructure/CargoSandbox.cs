using System.Text;
using System.Text.RegularExpressions;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>A crate folder made by `cargo new --lib`.</summary>
public sealed record CrateProject(string Name, string Version, string Directory)
{
    public string ManifestPath => Path.Combine(Directory, "Cargo.toml");
    public string LockPath => Path.Combine(Directory, "Cargo.lock");

    /// <summary>The name as a Rust path segment (hyphens become underscores).</summary>
    public string RustName => Name.Replace('-', '_');
}

/// <summary>
/// The real cargo, isolated per test: a fresh CARGO_HOME (no credentials, no index cache), its own target dir, the
/// registry "ghostcrate" pointing at one server's sparse index, and a token only when the test gives one.
/// </summary>
public sealed class CargoSandbox : IDisposable
{
    public const string Registry = "ghostcrate";
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);

    private static readonly Lazy<string> CargoExecutable = new(LocateCargo);

    /// <summary>The cargo these tests run (for a server setting that names it, such as Docs:Build:Cargo).</summary>
    public static string CargoPath => CargoExecutable.Value;

    public CargoSandbox(GhostCrateServer server, string? token) : this(server.CargoIndexUrl, token)
    {
        Server = server;
    }

    /// <summary>A sandbox for a registry this test did not start as a <see cref="GhostCrateServer"/> (e.g. inside a container image).</summary>
    public CargoSandbox(string indexUrl, string? token)
    {
        IndexUrl = indexUrl;
        Token = token;
        Root = TempDirs.Create("cargo");
        CargoHome = Path.Combine(Root, "cargo-home");
        TargetDir = Path.Combine(Root, "target");
        ProjectsDir = Path.Combine(Root, "projects");
        Directory.CreateDirectory(CargoHome);
        Directory.CreateDirectory(ProjectsDir);
    }

    public GhostCrateServer? Server { get; }

    /// <summary>The sparse index URL of the registry "ghostcrate" (CARGO_REGISTRIES_GHOSTCRATE_INDEX).</summary>
    public string IndexUrl { get; }
    public string Root { get; }
    public string CargoHome { get; }
    public string TargetDir { get; }
    public string ProjectsDir { get; }

    /// <summary>More cargo settings (CARGO_* variables) for every run of this sandbox.</summary>
    public Dictionary<string, string> ExtraEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>Sent as CARGO_REGISTRIES_GHOSTCRATE_TOKEN; null runs cargo with no token in the environment.</summary>
    public string? Token { get; set; }

    public IReadOnlyDictionary<string, string?> Environment(string? token)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        // Nothing from the developer's cargo setup may leak in: registries, tokens, offline mode, target dirs.
        foreach (var key in System.Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (key.StartsWith("CARGO_REGISTRIES_", StringComparison.Ordinal)
                || key.StartsWith("CARGO_REGISTRY_", StringComparison.Ordinal)
                || key.StartsWith("CARGO_CREDENTIAL_", StringComparison.Ordinal)
                || key.StartsWith("CARGO_SOURCE_", StringComparison.Ordinal)
                || key.StartsWith("CARGO_BUILD_", StringComparison.Ordinal)
                || key is "CARGO_NET_OFFLINE" or "CARGO_TARGET_DIR" or "CARGO_HTTP_PROXY" or "HTTP_PROXY" or "HTTPS_PROXY"
                    or "http_proxy" or "https_proxy" or "ALL_PROXY" or "all_proxy" or "CARGO_UNSTABLE_SPARSE_REGISTRY")
            {
                env[key] = null;
            }
        }

        env["CARGO_HOME"] = CargoHome;
        env["CARGO_TARGET_DIR"] = TargetDir;
        env["CARGO_TERM_COLOR"] = "never";
        env["CARGO_TERM_PROGRESS_WHEN"] = "never";
        env["CARGO_REGISTRIES_CRATES_IO_PROTOCOL"] = "sparse";
        env["CARGO_REGISTRIES_GHOSTCRATE_INDEX"] = IndexUrl;
        env["CARGO_NET_RETRY"] = "0";
        env["CARGO_INCREMENTAL"] = "0";
        env["NO_PROXY"] = "127.0.0.1,localhost";
        if (token is not null)
        {
            env["CARGO_REGISTRIES_GHOSTCRATE_TOKEN"] = token;
        }

        foreach (var (key, value) in ExtraEnvironment)
        {
            env[key] = value;
        }

        var cargoBin = Path.GetDirectoryName(CargoExecutable.Value);
        if (cargoBin is not null)
        {
            env["PATH"] = cargoBin + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH");
        }

        return env;
    }

    /// <summary>Runs cargo in <paramref name="workingDirectory"/> with the sandbox token (or <paramref name="token"/>).</summary>
    public Task<ProcessResult> RunAsync(string workingDirectory, IReadOnlyList<string> arguments, string? stdin = null,
        TimeSpan? timeout = null, TokenChoice? token = null) =>
        ProcessRunner.RunAsync(CargoExecutable.Value, arguments, workingDirectory,
            Environment(token is { } chosen ? chosen.Value : Token), stdin, timeout ?? BuildTimeout, TestContext.Current.CancellationToken);

    /// <summary>Runs cargo and asserts exit code 0, showing all output otherwise.</summary>
    public async Task<ProcessResult> RunOkAsync(string workingDirectory, IReadOnlyList<string> arguments, string? stdin = null,
        TimeSpan? timeout = null, TokenChoice? token = null)
    {
        var result = await RunAsync(workingDirectory, arguments, stdin, timeout, token);
        Assert.True(result.Succeeded, $"cargo failed:\n{result.Describe()}");
        return result;
    }

    /// <summary>
    /// `cargo new --lib`, then the manifest is edited: version, publish = ["ghostcrate"], description, license, the
    /// given [dependencies] lines, and further TOML sections. <paramref name="files"/> adds or replaces files (e.g.
    /// src/lib.rs, build.rs).
    /// </summary>
    public async Task<CrateProject> NewLibAsync(string name, string version = "0.1.0", string dependencies = "",
        string extraToml = "", IReadOnlyDictionary<string, string>? files = null, string packageFields = "")
    {
        var dir = Path.Combine(ProjectsDir, name + "-" + version);
        await RunOkAsync(ProjectsDir, ["new", "--lib", "--vcs", "none", "--name", name, dir], timeout: TimeSpan.FromMinutes(1));
        var manifestPath = Path.Combine(dir, "Cargo.toml");
        var manifest = await File.ReadAllTextAsync(manifestPath);
        Assert.Contains("[dependencies]", manifest);

        var lines = manifest.Replace("\r\n", "\n").Split('\n').ToList();
        var versionLine = lines.FindIndex(l => l.StartsWith("version = ", StringComparison.Ordinal));
        var editionLine = lines.FindIndex(l => l.StartsWith("edition = ", StringComparison.Ordinal));
        Assert.True(versionLine >= 0 && editionLine >= 0, "unexpected `cargo new` manifest:\n" + manifest);
        lines[versionLine] = $"version = \"{version}\"";
        lines.InsertRange(editionLine + 1,
        [
            $"publish = [\"{Registry}\"]",
            $"description = \"GhostCrate end-to-end test crate {name}\"",
            "license = \"MIT\"",
        ]);
        if (packageFields.Length > 0)
        {
            lines.Insert(editionLine + 4, packageFields.Trim());
        }

        var depsLine = lines.FindIndex(l => l.Trim() == "[dependencies]");
        lines.Insert(depsLine + 1, dependencies.Trim());

        var text = new StringBuilder(string.Join('\n', lines).TrimEnd()).Append('\n');
        if (extraToml.Length > 0)
        {
            text.Append('\n').Append(extraToml.Trim()).Append('\n');
        }

        await File.WriteAllTextAsync(manifestPath, text.ToString());
        foreach (var (path, content) in files ?? new Dictionary<string, string>())
        {
            var full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }

        return new CrateProject(name, version, dir);
    }

    /// <summary>
    /// `cargo publish --registry ghostcrate`. With <paramref name="verify"/> cargo builds the packaged crate first,
    /// fetching its dependencies from GhostCrate; cargo then waits until the new version is in the index.
    /// </summary>
    public Task<ProcessResult> PublishAsync(CrateProject project, bool verify = true, TokenChoice? token = null)
    {
        List<string> args = ["publish", "--registry", Registry, "--allow-dirty"];
        if (!verify)
        {
            args.Add("--no-verify");
        }

        return RunAsync(project.Directory, args, token: token);
    }

    public async Task<ProcessResult> PublishOkAsync(CrateProject project, bool verify = true, TokenChoice? token = null)
    {
        var result = await PublishAsync(project, verify, token);
        Assert.True(result.Succeeded, $"cargo publish of {project.Name}@{project.Version} failed:\n{result.Describe()}");
        return result;
    }

    /// <summary>
    /// The smallest round trip through a registry: publishes a new library `{prefix}-{id}` and builds a second crate
    /// that depends on it from the registry. Returns the published library.
    /// </summary>
    public async Task<CrateProject> PublishAndBuildDependentAsync(string prefix)
    {
        var id = Ids.New();
        var lib = await NewLibAsync($"{prefix}-{id}", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn seven() -> u8 { 7 }\n" });
        await PublishOkAsync(lib);
        var app = await NewLibAsync($"{prefix}-app-{id}", dependencies: $"{lib.Name} = {{ version = \"0.1\", registry = \"{Registry}\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn get() -> u8 {{ {lib.RustName}::seven() }}\n" });
        await RunOkAsync(app.Directory, ["build"]);
        return lib;
    }

    /// <summary>The version of <paramref name="crate"/> pinned by a Cargo.lock (asserts there is exactly one).</summary>
    public static string LockedVersion(CrateProject project, string crate)
    {
        var lockText = File.ReadAllText(project.LockPath);
        var matches = Regex.Matches(lockText, $"\\[\\[package\\]\\]\\nname = \"{Regex.Escape(crate)}\"\\nversion = \"([^\"]+)\"");
        Assert.True(matches.Count == 1, $"expected exactly one {crate} in Cargo.lock:\n{lockText}");
        return matches[0].Groups[1].Value;
    }

    private static string LocateCargo()
    {
        foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "cargo")))
            {
                return Path.Combine(dir, "cargo");
            }
        }

        var home = System.Environment.GetEnvironmentVariable("HOME") ?? "";
        var fallback = Path.Combine(home, ".cargo", "bin", "cargo");
        return File.Exists(fallback) ? fallback : throw new FileNotFoundException("cargo is not on PATH nor in ~/.cargo/bin");
    }

    public void Dispose() => TempDirs.Delete(Root);
}

/// <summary>Which token a cargo run gets: a specific one, or explicitly none.</summary>
public readonly record struct TokenChoice(string? Value)
{
    public static TokenChoice None => new(null);

    public static implicit operator TokenChoice(string token) => new(token);
}

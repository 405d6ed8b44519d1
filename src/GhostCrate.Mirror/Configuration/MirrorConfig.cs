using System.Text.Json;
using System.Text.Json.Serialization;

namespace GhostCrate.Mirror.Configuration;

/// <summary>
/// The mirror's `mirror.json`: where the crates come from, which of them to keep, and how hard to try. Written by
/// `ghostcrate mirror init`, edited by hand afterwards; every verb reads it and validates it first.
/// </summary>
public sealed record MirrorConfig
{
    public const string FileName = "mirror.json";
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>Random id given at init; bundles name it so an import never mixes two mirrors' increments.</summary>
    public string MirrorId { get; init; } = "";

    public UpstreamConfig Upstream { get; init; } = new();
    public SelectionConfig Selection { get; init; } = new();
    public DownloadConfig Download { get; init; } = new();

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // mirror.json is edited by hand and shown in the docs: `sparse+https://...` stays readable, not `sparse\u002B`.
        // The relaxed encoder still escapes what JSON requires; the file is never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static MirrorConfig Create(string upstreamIndex, string? downloadTemplate) => new()
    {
        MirrorId = Guid.NewGuid().ToString("N"),
        Upstream = new UpstreamConfig { Index = upstreamIndex, Download = downloadTemplate },
    };

    /// <summary>Every problem, each naming its key, so a bad edit fails with a message that says what to fix.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Format != CurrentFormat) errors.Add($"format: expected {CurrentFormat}, got {Format}");
        if (string.IsNullOrWhiteSpace(MirrorId)) errors.Add("mirrorId must not be empty");
        errors.AddRange(Upstream.Validate());
        errors.AddRange(Selection.Validate());
        errors.AddRange(Download.Validate());
        return errors;
    }
}

/// <summary>Where the index and the crate files come from.</summary>
public sealed record UpstreamConfig
{
    /// <summary>
    /// `sparse+https://index.crates.io/` for a sparse index (needs a list of names: a sparse index cannot be listed),
    /// or a git URL (`https://github.com/rust-lang/crates.io-index`, `file:///srv/index.git`) cloned with the git CLI.
    /// </summary>
    public string Index { get; init; } = "";

    /// <summary>The `dl` template to download from; null takes the upstream's config.json `dl`.</summary>
    public string? Download { get; init; }

    /// <summary>Git only: the branch to follow; null follows the remote HEAD.</summary>
    public string? Branch { get; init; }

    [JsonIgnore]
    public bool IsSparse => Index.StartsWith("sparse+", StringComparison.Ordinal);

    /// <summary>The sparse index base URL without the `sparse+` prefix, always ending in '/'.</summary>
    [JsonIgnore]
    public Uri SparseBase => new(Index["sparse+".Length..].TrimEnd('/') + "/", UriKind.Absolute);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Index))
        {
            yield return "upstream.index is required (sparse+https://index.crates.io/ or a git URL)";
            yield break;
        }
        if (IsSparse)
        {
            if (!Uri.TryCreate(Index["sparse+".Length..], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                yield return $"upstream.index: '{Index}' is not a sparse+http(s) URL";
        }
        else if (!Uri.TryCreate(Index, UriKind.Absolute, out var git) || git.Scheme is not ("http" or "https" or "file" or "ssh" or "git"))
        {
            yield return $"upstream.index: '{Index}' is neither sparse+http(s):// nor a git URL (https://, ssh://, git://, file://)";
        }
        if (Download is { Length: > 0 } dl && (!Uri.TryCreate(dl.Replace("{", "", StringComparison.Ordinal).Replace("}", "", StringComparison.Ordinal), UriKind.Absolute, out var d) || d.Scheme is not ("http" or "https")))
            yield return $"upstream.download: '{dl}' is not an http(s) URL template";
        if (Branch is { Length: 0 }) yield return "upstream.branch must not be empty (omit it to follow the remote HEAD)";
    }
}

/// <summary>
/// What to mirror. With no crates, lockfiles and vendor dirs a git upstream mirrors everything; a sparse upstream
/// needs at least one name, because a sparse index cannot be listed.
/// </summary>
public sealed record SelectionConfig
{
    /// <summary>Crate names, all of whose versions are mirrored (before the filters below).</summary>
    public List<string> Crates { get; init; } = [];
    /// <summary>Cargo.lock files: exactly the registry packages they pin (a lock file already is a dependency closure).</summary>
    public List<string> Lockfiles { get; init; } = [];
    /// <summary>`cargo vendor` output folders: exactly the name/version pairs vendored there.</summary>
    public List<string> VendorDirs { get; init; } = [];
    /// <summary>Glob patterns (`*`, `?`) on crate names; when any is given, only matching crates are kept.</summary>
    public List<string> Include { get; init; } = [];
    /// <summary>Glob patterns on crate names that are never mirrored.</summary>
    public List<string> Exclude { get; init; } = [];
    /// <summary>Leave yanked versions out (they also leave the served index).</summary>
    public bool SkipYanked { get; init; }
    /// <summary>Keep only the N highest versions of each crate (0: all).</summary>
    public int KeepLatest { get; init; }
    /// <summary>
    /// Null (the default): `crates` are mirrored alone. `all`: also the dependency closure of their kept versions, with
    /// every version matching each requirement (buildable for any lock file). `newest`: only the newest matching
    /// version per requirement (smaller). keepLatest then applies to the named crates only. See Selection/DependencyClosure.
    /// </summary>
    public string? Resolve { get; init; }
    /// <summary>With <see cref="Resolve"/>: follow dev-dependencies too (needed only to run the named crates' own tests).</summary>
    public bool ResolveDev { get; init; }

    public const string ResolveAll = "all";
    public const string ResolveNewest = "newest";

    [JsonIgnore]
    public Selection.ResolveMode? ResolveMode => Resolve switch
    {
        ResolveAll => Selection.ResolveMode.All,
        ResolveNewest => Selection.ResolveMode.Newest,
        _ => null,
    };

    [JsonIgnore]
    public bool IsEverything => Crates.Count == 0 && Lockfiles.Count == 0 && VendorDirs.Count == 0;

    public IEnumerable<string> Validate()
    {
        if (KeepLatest < 0) yield return $"selection.keepLatest must be 0 (all) or positive (got {KeepLatest})";
        if (Resolve is not (null or ResolveAll or ResolveNewest)) yield return $"selection.resolve must be \"all\", \"newest\" or absent (got \"{Resolve}\")";
        if (Resolve is not null && Crates.Count == 0) yield return "selection.resolve needs selection.crates: it resolves the dependencies of the named crates (a lock file already is a closure)";
        if (ResolveDev && Resolve is null) yield return "selection.resolveDev needs selection.resolve";
        foreach (var name in Crates)
        {
            if (string.IsNullOrWhiteSpace(name) || !name.All(Protocol.Crates.CrateName.IsNameChar))
                yield return $"selection.crates: '{name}' is not a crate name";
        }
        // Nothing expands `~` in a file read by a program: a hand-edited path like that would name a folder called `~`.
        foreach (var (key, path) in Lockfiles.Select(p => ("lockfiles", p)).Concat(VendorDirs.Select(p => ("vendorDirs", p))))
        {
            if (path.StartsWith('~')) yield return $"selection.{key}: '{path}' starts with ~, which is not expanded here; write the absolute path";
        }
    }
}

/// <summary>How downloads behave: parallelism, retries, time limits, size limit.</summary>
public sealed record DownloadConfig
{
    public int Concurrency { get; init; } = 8;
    /// <summary>Attempts per file, the first included.</summary>
    public int MaxAttempts { get; init; } = 6;
    /// <summary>Backoff before the second attempt; doubles each time, with full jitter, up to <see cref="MaxBackoffMs"/>.</summary>
    public int InitialBackoffMs { get; init; } = 250;
    public int MaxBackoffMs { get; init; } = 15_000;
    /// <summary>Time for connecting and receiving the response headers.</summary>
    public int RequestTimeoutSeconds { get; init; } = 60;
    /// <summary>Longest wait for the next bytes of a body before the attempt counts as stalled.</summary>
    public int StallTimeoutSeconds { get; init; } = 30;
    /// <summary>Largest accepted .crate file; crates.io's own limit is 10 MiB, a few older crates are larger.</summary>
    public long MaxCrateBytes { get; init; } = 64L * 1024 * 1024;

    public IEnumerable<string> Validate()
    {
        if (Concurrency is < 1 or > 256) yield return $"download.concurrency must be between 1 and 256 (got {Concurrency})";
        if (MaxAttempts is < 1 or > 100) yield return $"download.maxAttempts must be between 1 and 100 (got {MaxAttempts})";
        if (InitialBackoffMs < 0) yield return $"download.initialBackoffMs must not be negative (got {InitialBackoffMs})";
        if (MaxBackoffMs < InitialBackoffMs) yield return $"download.maxBackoffMs ({MaxBackoffMs}) must be at least download.initialBackoffMs ({InitialBackoffMs})";
        if (RequestTimeoutSeconds < 1) yield return $"download.requestTimeoutSeconds must be positive (got {RequestTimeoutSeconds})";
        if (StallTimeoutSeconds < 1) yield return $"download.stallTimeoutSeconds must be positive (got {StallTimeoutSeconds})";
        if (MaxCrateBytes < 1) yield return $"download.maxCrateBytes must be positive (got {MaxCrateBytes})";
    }
}

using System.Formats.Tar;
using System.Text.RegularExpressions;
using GhostCrate.Protocol.Formatting;

namespace GhostCrate.Packaging.Content;

/// <summary>
/// Collects <see cref="ContentFlag"/>s during the validator's one pass over the entries (<see cref="Tarball.TarballScanner"/>):
/// each file's mode, size and first bytes are looked at as the tar reader passes them, and build-script candidates
/// are kept (capped) for the pattern scan once the manifest has said which file the build script is.
/// </summary>
internal sealed class ContentInspector(long largeFileBytes)
{
    /// <summary>Largest build script text scanned for hints; the rest of a bigger one is not read.</summary>
    public const int MaxBuildScriptBytes = 1024 * 1024;

    /// <summary>At most this many flags of one kind are listed; one more entry says how many were left out.</summary>
    public const int MaxPerKind = 20;

    private readonly List<ContentFlag> _flags = [];
    private readonly Dictionary<string, int> _omitted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Root-level `.rs` files (where build scripts live, `build.rs` by default), kept until the manifest names one.</summary>
    public Dictionary<string, (byte[] Bytes, bool Truncated)> ScriptCandidates { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Looks at one regular file. <paramref name="known"/> is its content when the scanner already read it (the
    /// manifest, a readme); otherwise the start of the entry's data stream is read here.
    /// </summary>
    public void Observe(TarEntry entry, string relative, byte[]? known)
    {
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((entry.Mode & anyExecute) != 0)
            Add(new ContentFlag(ContentFlagKinds.Executable, relative, $"mode {Convert.ToString((int)entry.Mode, 8).PadLeft(4, '0')}"));
        if (entry.Length > largeFileBytes)
            Add(new ContentFlag(ContentFlagKinds.LargeFile, relative, $"{ByteSize.Format(entry.Length)} (limit {ByteSize.Format(largeFileBytes)})"));

        byte[] head;
        if (known is not null) head = known;
        else if (IsScriptCandidate(relative))
        {
            var script = Tarball.CappedText.ReadBytes(entry.DataStream, MaxBuildScriptBytes);
            ScriptCandidates[relative] = script;
            head = script.Bytes;
        }
        else head = ReadHead(entry.DataStream);

        if (NativeMagic.Describe(head) is { } format)
            Add(new ContentFlag(ContentFlagKinds.NativeBinary, relative, format));
        else if (NativeMagic.NativeExtension(relative) is { } extension)
            Add(new ContentFlag(ContentFlagKinds.NativeBinary, relative, $"file name ends in {extension}"));
    }

    /// <summary>
    /// The manifest-level flags and the build script scan, once the whole archive was read.
    /// <paramref name="readScript"/> fetches a build script that was not kept during the pass (a custom path).
    /// </summary>
    public IReadOnlyList<ContentFlag> Finish(Tarball.ManifestFacts manifest, IReadOnlySet<string> files, Func<string, (byte[] Bytes, bool Truncated)?> readScript)
    {
        var manifestFlags = new List<ContentFlag>();
        foreach (var script in BuildScripts(manifest, files))
        {
            manifestFlags.Add(new ContentFlag(ContentFlagKinds.BuildScript, script, "runs at build time on every machine that builds this crate"));
            var content = ScriptCandidates.TryGetValue(script, out var kept) ? kept : readScript(script);
            if (content is not { } text) continue;
            IReadOnlyList<string> hints;
            try
            {
                hints = BuildScriptHints.Find(text.Bytes);
            }
            catch (RegexMatchTimeoutException)
            {
                hints = ["could not be scanned in time (review it by hand)"];
            }
            foreach (var hint in hints) manifestFlags.Add(new ContentFlag(ContentFlagKinds.BuildScriptHint, script, hint));
        }
        if (manifest.ProcMacro)
            manifestFlags.Add(new ContentFlag(ContentFlagKinds.ProcMacro, "Cargo.toml", "lib.proc-macro = true: runs inside the compiler of every dependent"));
        if (manifest.Links is { } links)
            manifestFlags.Add(new ContentFlag(ContentFlagKinds.Links, "Cargo.toml", $"links = \"{Shorten(links)}\""));

        var all = new List<ContentFlag>(manifestFlags.Count + _flags.Count + _omitted.Count);
        all.AddRange(manifestFlags);
        all.AddRange(_flags);
        foreach (var (kind, omitted) in _omitted)
            all.Add(new ContentFlag(kind, "", $"{omitted} more {(omitted == 1 ? "file" : "files")} not listed"));
        return all;
    }

    /// <summary>
    /// The build scripts cargo would run (https://doc.rust-lang.org/cargo/reference/manifest.html#the-build-field):
    /// `package.build` names them, `build = false` turns discovery off, and without the key a root `build.rs` is one.
    /// </summary>
    private static IEnumerable<string> BuildScripts(Tarball.ManifestFacts manifest, IReadOnlySet<string> files)
    {
        if (manifest.BuildScripts is { } declared) return declared;
        return files.Contains("build.rs") ? ["build.rs"] : [];
    }

    private static bool IsScriptCandidate(string relative) =>
        !relative.Contains('/') && relative.EndsWith(".rs", StringComparison.Ordinal);

    private static byte[] ReadHead(Stream? stream)
    {
        if (stream is null) return [];
        var buffer = new byte[NativeMagic.HeadBytes];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return read == buffer.Length ? buffer : buffer[..read];
    }

    private void Add(ContentFlag flag)
    {
        var count = _counts.GetValueOrDefault(flag.Kind) + 1;
        _counts[flag.Kind] = count;
        if (count <= MaxPerKind) _flags.Add(flag);
        else _omitted[flag.Kind] = _omitted.GetValueOrDefault(flag.Kind) + 1;
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";
}

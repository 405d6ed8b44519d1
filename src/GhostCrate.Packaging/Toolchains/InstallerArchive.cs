using System.Text;
using GhostCrate.Packaging.Docs;

namespace GhostCrate.Packaging.Toolchains;

/// <summary>One component of a rust-installer tarball: its name and the paths its `manifest.in` installs.</summary>
/// <param name="Files">`file:` lines: single files, relative to the component's folder (and to the toolchain root).</param>
/// <param name="Directories">`dir:` lines: whole folders.</param>
public sealed record InstallerComponent(string Name, IReadOnlyList<string> Files, IReadOnlyList<string> Directories)
{
    /// <summary>Whether the component installs <paramref name="path"/> (relative to its folder).</summary>
    public bool Installs(string path) =>
        Files.Contains(path, StringComparer.Ordinal) || Directories.Any(d => path.StartsWith(d + "/", StringComparison.Ordinal));
}

/// <summary>What a rust-installer tarball holds: its top folder, its `version` file (when present) and its components.</summary>
public sealed record InstallerArchiveFacts(string TopDirectory, string? Version, IReadOnlyList<InstallerComponent> Components);

/// <summary>
/// Reads a component tarball in rust-installer's layout (format 3, the one rustup's `src/dist/component/package.rs`
/// installs and `x.py dist` writes): one top folder `NAME-VERSION[-TARGET]/` holding `rust-installer-version` (`3`),
/// `components` (one name a line), an optional `version`, and per component `COMPONENT/manifest.in` with `file:PATH`
/// and `dir:PATH` lines, each naming what exists under `COMPONENT/`. Pure: the bytes go through the same hostile-archive
/// checks as uploaded documentation (<see cref="DocsArchiveReader.Scan"/>: no links or devices, no absolute or `..`
/// paths, no duplicates, limits on entries and unpacked bytes, a gzip stream that is whole) before any file is read.
/// </summary>
public static class InstallerArchive
{
    /// <summary>`rust-installer-version`, `components`, `version` and `manifest.in` are a few lines; larger is not an installer.</summary>
    private const int MaxTextBytes = 1024 * 1024;

    public static (InstallerArchiveFacts? Facts, string? Error) Read(ReadOnlyMemory<byte> archive, string fileName, DocsArchiveLimits limits)
    {
        var what = $"component archive `{fileName}`";
        if (DocsArchiveReader.Detect(archive.Span) != DocsArchiveFormat.TarGzip)
            return (null, $"{what} is not a .tar.gz (upload the `.tar.gz` files `x.py dist` writes; .tar.xz is not read)");
        var scan = DocsArchiveReader.Scan(archive, limits);
        if (scan.Error is { } error) return (null, error.Message.Replace("the documentation archive", what, StringComparison.Ordinal));
        if (scan.StrippedPrefix.Length > 0) return (null, $"{what} has no installer folder at its top (everything is below `{scan.StrippedPrefix}`)");

        var tops = scan.Files.Select(f => f.Path.Split('/')[0]).Distinct(StringComparer.Ordinal).ToList();
        if (tops.Count != 1 || scan.Files.Any(f => !f.Path.Contains('/')))
            return (null, $"{what} must hold one folder `NAME-VERSION-TARGET/` with everything in it (found {string.Join(", ", tops.Take(5).Select(t => $"`{t}`"))})");
        var top = tops[0];

        // Only the small metadata files are read into memory; the payload stays where it is.
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, content) in DocsArchiveReader.ReadFiles(archive, scan))
        {
            var inside = file.Path[(top.Length + 1)..];
            var isMeta = inside is "rust-installer-version" or "components" or "version" || (inside.EndsWith("/manifest.in", StringComparison.Ordinal) && inside.Count(c => c == '/') == 1);
            if (!isMeta) continue;
            if (file.Size > MaxTextBytes) return (null, $"{what}: `{inside}` is larger than {MaxTextBytes} bytes");
            using var reader = new StreamReader(content, new UTF8Encoding(false, throwOnInvalidBytes: true));
            try
            {
                texts[inside] = reader.ReadToEnd();
            }
            catch (DecoderFallbackException)
            {
                return (null, $"{what}: `{inside}` is not UTF-8 text");
            }
        }

        if (!texts.TryGetValue("rust-installer-version", out var format) || format.Trim() != "3")
            return (null, $"{what} is not a rust-installer tarball of format 3 (`{top}/rust-installer-version` must hold `3`)");
        if (!texts.TryGetValue("components", out var componentList))
            return (null, $"{what} has no `{top}/components` file");
        var names = Lines(componentList);
        if (names.Count == 0) return (null, $"{what}: `{top}/components` names no component");

        var paths = scan.Files.Select(f => f.Path[(top.Length + 1)..]).ToHashSet(StringComparer.Ordinal);
        var components = new List<InstallerComponent>();
        foreach (var name in names)
        {
            if (!IsSafeName(name)) return (null, $"{what}: component name `{Echo(name)}` is not letters, digits, `.`, `_`, `-`");
            if (!texts.TryGetValue($"{name}/manifest.in", out var manifest)) return (null, $"{what} has no `{top}/{name}/manifest.in`");
            var files = new List<string>();
            var directories = new List<string>();
            foreach (var line in Lines(manifest))
            {
                var (kind, path) = line.StartsWith("file:", StringComparison.Ordinal) ? ("file", line[5..])
                    : line.StartsWith("dir:", StringComparison.Ordinal) ? ("dir", line[4..])
                    : (null, line);
                if (kind is null) return (null, $"{what}: `{name}/manifest.in` has the line `{Echo(line)}`; only `file:PATH` and `dir:PATH` are understood");
                // The paths are where files land in the user's toolchain: the same rules as archive entries.
                if (!IsSafePath(path)) return (null, $"{what}: `{name}/manifest.in` names `{Echo(path)}`, which is not a relative path inside the toolchain");
                if (kind == "file")
                {
                    if (!paths.Contains($"{name}/{path}")) return (null, $"{what}: `{name}/manifest.in` names `{Echo(path)}`, which the archive does not hold");
                    files.Add(path);
                }
                else
                {
                    directories.Add(path);
                }
            }
            components.Add(new InstallerComponent(name, files, directories));
        }
        var version = texts.TryGetValue("version", out var v) && Lines(v) is [var first, ..] ? first : null;
        return (new InstallerArchiveFacts(top, version, components), null);
    }

    private static List<string> Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r').Trim()).Where(l => l.Length > 0).ToList();

    private static bool IsSafeName(string name) =>
        name.Length is > 0 and <= 128 && name is not ("." or "..") && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+');

    /// <summary>Relative, forward slashes, no empty, `.` or `..` segment, no control characters or backslashes.</summary>
    public static bool IsSafePath(string path) =>
        path.Length is > 0 and <= 1024 && !path.StartsWith('/') && !path.Contains('\\') && !path.Any(char.IsControl)
        && path.Split('/').All(s => s.Length > 0 && s is not ("." or ".."));

    private static string Echo(string text) => text.Length > 200 ? text[..200] + "..." : text;
}

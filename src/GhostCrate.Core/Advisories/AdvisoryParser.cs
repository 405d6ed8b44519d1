using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GhostCrate.Packaging.Toml;

namespace GhostCrate.Core.Advisories;

/// <summary>
/// Reads one RustSec advisory file: TOML front matter in a ```toml fence, then Markdown whose first `#` heading is
/// the title and the rest the description (https://github.com/rustsec/advisory-db/blob/main/EXAMPLE_ADVISORY.md).
/// Untrusted input: sizes are checked before parsing, and the front matter goes through the registry's one TOML reader
/// (validated, so a key defined twice is refused rather than read one way here and another by RustSec's tools).
/// </summary>
public static partial class AdvisoryParser
{
    private const string Fence = "```";

    public static AdvisoryParseResult Parse(string text, AdvisoryLimits? limits = null)
    {
        limits ??= AdvisoryLimits.Default;
        ArgumentNullException.ThrowIfNull(text);
        if (Encoding.UTF8.GetByteCount(text) > limits.MaxFileBytes)
            return AdvisoryParseResult.Fail($"advisory is larger than {limits.MaxFileBytes} bytes");
        try
        {
            var (toml, markdown) = Split(text);
            var parsed = TomlReader.Parse(toml, Math.Min(limits.MaxTomlDepth, TomlReader.MaxDepth));
            if (parsed.Document is not { } root) return AdvisoryParseResult.Fail($"front matter is not valid TOML: {parsed.Error}");
            return AdvisoryParseResult.Ok(Build(root, markdown, limits));
        }
        catch (AdvisoryFormatException e)
        {
            return AdvisoryParseResult.Fail(e.Message);
        }
    }

    private static (string Toml, string Markdown) Split(string text)
    {
        var body = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        if (!body.StartsWith(Fence + "toml\n", StringComparison.Ordinal))
            throw new AdvisoryFormatException("advisory must start with a ```toml front-matter block");
        var start = Fence.Length + "toml\n".Length;
        var end = body.IndexOf("\n" + Fence, start - 1, StringComparison.Ordinal);
        if (end < 0) throw new AdvisoryFormatException("front-matter block is not closed with ```");
        var afterFence = body.IndexOf('\n', end + 1 + Fence.Length);
        return (body[start..(end + 1)], afterFence < 0 ? "" : body[(afterFence + 1)..]);
    }

    private static Advisory Build(TomlTable root, string markdown, AdvisoryLimits limits)
    {
        var advisory = Table(root, "advisory") ?? throw new AdvisoryFormatException("missing [advisory] table");
        var id = RequiredString(advisory, "id");
        if (!IdPattern().IsMatch(id)) throw new AdvisoryFormatException($"advisory id `{id}` is not of the form RUSTSEC-YYYY-NNNN");
        var package = RequiredString(advisory, "package");
        if (!CrateNamePattern().IsMatch(package)) throw new AdvisoryFormatException($"`{package}` is not a valid crate name");
        var date = Date(RequiredString(advisory, "date"), "date");
        var withdrawn = OptionalString(advisory, "withdrawn") is { } w ? Date(w, "withdrawn") : (DateOnly?)null;
        var cvss = OptionalString(advisory, "cvss");
        // RustSec's own parser refuses an advisory whose vector is not valid CVSS; so does the import, rather than
        // store a vulnerability with a severity nobody can check.
        double? score = null;
        if (cvss is not null && (score = CvssScore.Score(cvss, out var cvssError)) is null)
            throw new AdvisoryFormatException($"`cvss` is {cvssError}");

        var versionsTable = Table(root, "versions") ?? throw new AdvisoryFormatException("missing [versions] table");
        var patched = Strings(versionsTable, "patched", limits, required: true);
        var unaffected = Strings(versionsTable, "unaffected", limits, required: false);
        if (patched.Count + unaffected.Count > limits.MaxRanges)
            throw new AdvisoryFormatException($"more than {limits.MaxRanges} version ranges");

        var (title, description) = TitleAndDescription(markdown);
        return new Advisory(
            id, package, date, title, description,
            OptionalString(advisory, "url"),
            cvss,
            score,
            score is { } s ? CvssScore.Band(s) : AdvisorySeverity.Unknown,
            OptionalString(advisory, "informational")?.Trim(),
            withdrawn,
            Strings(advisory, "aliases", limits, false),
            Strings(advisory, "related", limits, false),
            Strings(advisory, "references", limits, false),
            Strings(advisory, "categories", limits, false),
            Strings(advisory, "keywords", limits, false),
            AdvisoryVersions.Create(patched, unaffected),
            Affected(root, limits));
    }

    private static AdvisoryAffected Affected(TomlTable root, AdvisoryLimits limits)
    {
        if (Table(root, "affected") is not { } affected) return AdvisoryAffected.None;
        var functions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (Table(affected, "functions") is { } f)
        {
            if (f.Count > limits.MaxListItems) throw new AdvisoryFormatException($"more than {limits.MaxListItems} affected functions");
            foreach (var path in f.Keys)
            {
                var ranges = Strings(f, path, limits, required: true);
                // Each list is a set of Cargo requirements; check them now so a bad one fails the import, not a page.
                foreach (var r in ranges) _ = UnaffectedRange.Parse(r);
                functions[path] = ranges;
            }
        }
        return new AdvisoryAffected(Strings(affected, "os", limits, false), Strings(affected, "arch", limits, false), functions);
    }

    /// <summary>RustSec's rule: the first Markdown heading is the title, everything after it the description.</summary>
    private static (string Title, string Description) TitleAndDescription(string markdown)
    {
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            if (line.Length == 0) continue;
            if (!line.StartsWith('#')) break;
            var title = line.TrimStart('#').Trim();
            if (title.Length == 0) break;
            return (title, string.Join('\n', lines[(i + 1)..]).Trim());
        }
        throw new AdvisoryFormatException("the Markdown body must start with a `#` heading (the advisory's title)");
    }

    private static TomlTable? Table(TomlTable t, string key) => t.TryGetValue(key, out var v)
        ? v as TomlTable ?? throw new AdvisoryFormatException($"`{key}` must be a table")
        : null;

    private static string RequiredString(TomlTable t, string key) =>
        OptionalString(t, key) ?? throw new AdvisoryFormatException($"missing `{key}`");

    private static string? OptionalString(TomlTable t, string key)
    {
        if (!t.TryGetValue(key, out var v)) return null;
        return v switch
        {
            string s => s,
            // Dates may also be written as bare TOML dates.
            TomlDateTime d => d.Raw,
            _ => throw new AdvisoryFormatException($"`{key}` must be a string"),
        };
    }

    private static IReadOnlyList<string> Strings(TomlTable t, string key, AdvisoryLimits limits, bool required)
    {
        if (!t.TryGetValue(key, out var v))
            return required ? throw new AdvisoryFormatException($"missing `{key}`") : [];
        if (v is not TomlArray array) throw new AdvisoryFormatException($"`{key}` must be an array of strings");
        if (array.Count > limits.MaxListItems) throw new AdvisoryFormatException($"`{key}` has more than {limits.MaxListItems} items");
        var list = new List<string>(array.Count);
        foreach (var item in array)
            list.Add(item as string ?? throw new AdvisoryFormatException($"`{key}` must be an array of strings"));
        return list;
    }

    private static DateOnly Date(string text, string key) =>
        DateOnly.TryParseExact(text.Length >= 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new AdvisoryFormatException($"`{key}` must be a date YYYY-MM-DD, not `{text}`");

    [GeneratedRegex(@"^RUSTSEC-\d{4}-\d{4,}$")]
    private static partial Regex IdPattern();

    // Crate names as crates.io accepts them, plus the `rustsec-example-crate` style; bounded length.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex CrateNamePattern();
}

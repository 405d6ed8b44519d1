using System.Text.RegularExpressions;

namespace GhostCrate.EndToEnd.Infrastructure;

/// <summary>
/// The ```sh (or other) code blocks of a document under docs/ (or the README), so a test runs the commands users copy instead of
/// a paraphrase of them. A test names a block by its first line and a command by its start: when the document changes
/// so that it no longer has them, the test says which document to look at instead of silently running nothing.
/// </summary>
public sealed class DocBlocks
{
    private DocBlocks(string name, IReadOnlyList<string> blocks)
    {
        Name = name;
        Blocks = blocks;
    }

    /// <summary>The document's path relative to the repository root, e.g. docs/proxy.md.</summary>
    public string Name { get; }

    public IReadOnlyList<string> Blocks { get; }

    /// <param name="relativePath">e.g. docs/proxy.md or README.md</param>
    /// <param name="language">the fence's language: sh, toml, ...</param>
    public static DocBlocks Load(string relativePath, string language = "sh")
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Path, relativePath));
        var blocks = Regex.Matches(text, $"```{Regex.Escape(language)}\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        return new DocBlocks(relativePath, blocks);
    }

    /// <summary>The commands of all the blocks, in order.</summary>
    public IEnumerable<string> AllCommands => Blocks.SelectMany(Commands);

    /// <summary>The document's inline code spans (`...` within one line), trimmed: the commands and paths its prose names.</summary>
    public static IReadOnlyList<string> InlineCode(string relativePath) =>
        Regex.Matches(File.ReadAllText(Path.Combine(RepositoryRoot.Path, relativePath)), "`([^`\n]+)`").Select(m => m.Groups[1].Value.Trim()).ToList();

    /// <summary>The one block whose first line starts with <paramref name="firstLine"/>.</summary>
    public string Block(string firstLine) => Blocks.SingleOrDefault(b => b.StartsWith(firstLine, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"{Name} has no sh block starting with `{firstLine}` any more: update the test that runs it");

    /// <summary>The one command (continuation lines joined) of <paramref name="block"/> that starts with <paramref name="start"/>.</summary>
    public string Line(string block, string start) => Commands(block).SingleOrDefault(l => l.StartsWith(start, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"{Name}: no command starting with `{start}` in\n{block}");

    /// <summary>The one command of any block that starts with <paramref name="start"/>.</summary>
    public string Command(string start) => Blocks.SelectMany(Commands).SingleOrDefault(l => l.StartsWith(start, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"{Name}: no single command starting with `{start}`");

    /// <summary>A block's commands: lines ending in a backslash joined with the next one, comments after `  #` dropped.</summary>
    public static IReadOnlyList<string> Commands(string block)
    {
        var joined = Regex.Replace(block, @"\\\n\s*", " ");
        return joined.Split('\n')
            .Select(l => Regex.Replace(l, @"\s+#\s.*$", "").TrimEnd())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
    }
}

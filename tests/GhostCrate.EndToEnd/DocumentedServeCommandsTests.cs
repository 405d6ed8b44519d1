using System.Text.RegularExpressions;
using GhostCrate.Configuration;
using GhostCrate.Core.Options;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Every `ghostcrate serve` (or `dotnet run ... -- serve`) that docs/ and the README tell users to type passes the
/// server's own start-up rule for where it listens (Configuration/ListenAddresses): a command that listens beyond
/// loopback names Registry:PublicUrl or Registry:AllowedHosts in its environment (its own `NAME=value` prefix, `env`,
/// or an `export` earlier in the same block). Such commands cannot be run here as written (tests bind 127.0.0.1
/// only), so the rule they would meet is applied to them directly.
/// </summary>
public sealed class DocumentedServeCommandsTests
{
    [Fact]
    public void Every_documented_serve_command_that_listens_beyond_loopback_names_its_public_url_or_allowed_hosts()
    {
        if (Lane.Current.Kind != BackendKind.Sqlite) Assert.Skip("the documents do not depend on the storage backends; checked in the sqlite lane");
        var documents = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md")
            .Select(p => Path.GetRelativePath(RepositoryRoot.Path, p)).Append("README.md").Order(StringComparer.Ordinal);
        var checkedCommands = 0;
        var refused = new List<string>();
        foreach (var document in documents)
        {
            foreach (var block in DocBlocks.Load(document).Blocks)
            {
                var exported = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var command in DocBlocks.Commands(block))
                {
                    var words = Words(command);
                    if (words is ["export", var assignment] && Assignment(assignment) is { } pair)
                    {
                        exported[pair.Name] = pair.Value;
                        continue;
                    }
                    var serve = words.IndexOf("serve");
                    if (serve < 1 || !(words[serve - 1] is "ghostcrate" or "--" || words[serve - 1].EndsWith("/ghostcrate", StringComparison.Ordinal))) continue;

                    var environment = new Dictionary<string, string>(exported, StringComparer.Ordinal);
                    foreach (var word in words.TakeWhile(w => w != "serve" && w != "ghostcrate" && w != "dotnet"))
                        if (Assignment(word) is { } prefix) environment[prefix.Name] = prefix.Value;
                    var urlsAt = words.IndexOf("--urls");
                    var urls = urlsAt > 0 && urlsAt + 1 < words.Count ? words[urlsAt + 1].Split(';') : environment.TryGetValue("GHOSTCRATE_Urls", out var u) ? u.Split(';') : [];
                    var registry = new RegistryOptions
                    {
                        PublicUrl = environment.GetValueOrDefault("GHOSTCRATE_Registry__PublicUrl"),
                        AllowedHosts = environment.Where(e => e.Key.StartsWith("GHOSTCRATE_Registry__AllowedHosts__", StringComparison.Ordinal)).Select(e => e.Value).ToList(),
                    };
                    checkedCommands++;
                    foreach (var error in ListenAddresses.Validate(urls, registry))
                        refused.Add($"{document}: `{command}`\n  would stop at start-up: {error}");
                }
            }
        }
        // The mirror, toolchain and air-gap how-tos and the README each show such a command: the scan found them.
        Assert.True(checkedCommands >= 5, $"only {checkedCommands} serve commands found in docs/ and README.md");
        Assert.True(refused.Count == 0, string.Join("\n", refused));
    }

    /// <summary>Shell words: quotes removed, no expansion (the documents' serve lines need none).</summary>
    private static List<string> Words(string command) =>
        Regex.Matches(command, """(?:[^\s"']+|"[^"]*"|'[^']*')+""").Select(m => m.Value.Replace("\"", "").Replace("'", "")).ToList();

    private static (string Name, string Value)? Assignment(string word)
    {
        var match = Regex.Match(word, "^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$");
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Value) : null;
    }
}

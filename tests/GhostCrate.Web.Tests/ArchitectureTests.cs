using System.Reflection;

namespace GhostCrate.Web.Tests;

/// <summary>
/// Keeps the dependency arrows of docs/architecture.md true:
/// Protocol &lt;- Packaging &lt;- Core &lt;- {Data, Storage.*, Mirror} &lt;- Web &lt;- GhostCrate (host);
/// Mirror also uses Storage.FileSystem's durable-write primitives (a mirror is a local directory), never the reverse.
/// </summary>
public class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["GhostCrate.Protocol"] = [],
        ["GhostCrate.Packaging"] = ["GhostCrate.Protocol"],
        ["GhostCrate.Core"] = ["GhostCrate.Protocol", "GhostCrate.Packaging"],
        ["GhostCrate.Data"] = ["GhostCrate.Protocol", "GhostCrate.Packaging", "GhostCrate.Core"],
        ["GhostCrate.Storage.FileSystem"] = ["GhostCrate.Protocol", "GhostCrate.Packaging", "GhostCrate.Core"],
        ["GhostCrate.Storage.S3"] = ["GhostCrate.Protocol", "GhostCrate.Packaging", "GhostCrate.Core"],
        ["GhostCrate.Mirror"] = ["GhostCrate.Protocol", "GhostCrate.Packaging", "GhostCrate.Core", "GhostCrate.Storage.FileSystem"],
        ["GhostCrate.Web"] = ["GhostCrate.Protocol", "GhostCrate.Packaging", "GhostCrate.Core", "GhostCrate.Mirror"],
    };

    public static TheoryData<string> Assemblies => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Assembly_references_only_what_the_architecture_allows(string name)
    {
        var references = Assembly.Load(name).GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var ours = references.Where(r => r.StartsWith("GhostCrate", StringComparison.Ordinal)).ToList();
        Assert.All(ours, r => Assert.Contains(r, Allowed[name]));
    }

    [Theory]
    [InlineData("GhostCrate.Protocol")]
    [InlineData("GhostCrate.Packaging")]
    [InlineData("GhostCrate.Core")]
    public void Inner_layers_know_no_web_database_or_cloud_types(string name)
    {
        var references = Assembly.Load(name).GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r =>
            r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            || r.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
            || r.StartsWith("Npgsql", StringComparison.Ordinal)
            || r.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal)
            || r.StartsWith("Dapper", StringComparison.Ordinal)
            || r.StartsWith("AWSSDK", StringComparison.Ordinal));
    }
}

using System.Text;

namespace GhostCrate.Bench;

/// <summary>
/// A Cargo project whose dependency graph has about 200 crates, for `cargo generate-lockfile` from a cold CARGO_HOME.
/// Its dependencies come from the registry named `bench`; run.sh points CARGO_REGISTRIES_BENCH_INDEX at GhostCrate
/// or at nginx, so both resolve the very same index bytes.
/// </summary>
public static class LockfileProject
{
    public const int TargetCrates = 200;

    public sealed record Summary(int Roots, int Closure);

    public static Summary Write(RegistryPlan plan, string directory)
    {
        var byName = plan.Crates.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var roots = new List<CratePlan>();
        // Newer crates sit on top of the graph (they depend on older ones): take roots from the top down and keep
        // the union near the target.
        foreach (var candidate in plan.Crates.Where(c => c.Versions[^1].PayloadBytes == 0).Reverse())
        {
            if (closure.Count >= TargetCrates * 9 / 10) break;
            var reach = Reach(candidate, byName);
            var union = closure.Count + reach.Count(n => !closure.Contains(n));
            if (union > TargetCrates * 11 / 10 || union == closure.Count) continue;
            closure.UnionWith(reach);
            roots.Add(candidate);
        }

        Directory.CreateDirectory(Path.Combine(directory, "src"));
        var manifest = new StringBuilder("[package]\nname = \"bench-app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n");
        foreach (var root in roots) manifest.Append($"{root.Name} = {{ version = \"{root.LatestReq}\", registry = \"bench\" }}\n");
        File.WriteAllText(Path.Combine(directory, "Cargo.toml"), manifest.ToString());
        File.WriteAllText(Path.Combine(directory, "src", "lib.rs"), "");
        return new Summary(roots.Count, closure.Count + 1);
    }

    /// <summary>What cargo resolves for the newest version: normal and build dependencies that are not optional.</summary>
    private static HashSet<string> Reach(CratePlan root, Dictionary<string, CratePlan> byName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.Name };
        var stack = new Stack<CratePlan>([root]);
        while (stack.TryPop(out var crate))
        {
            foreach (var dep in crate.Versions[^1].Deps.Where(d => d.Kind != "dev" && !d.Optional))
            {
                if (seen.Add(dep.Name)) stack.Push(byName[dep.Name]);
            }
        }
        return seen;
    }
}

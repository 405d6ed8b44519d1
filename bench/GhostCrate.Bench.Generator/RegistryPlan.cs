namespace GhostCrate.Bench;

/// <summary>
/// A deterministic, crates.io-shaped registry: names, versions, dependencies (always on earlier crates, skewed
/// towards a few popular ones, like serde or libc), features, optional and target-specific dependencies, yanked
/// versions and READMEs. The same seed and size always give the same plan, so runs are comparable.
/// </summary>
public sealed class RegistryPlan
{
    public const int BigCrateBytes = 5 * 1024 * 1024;
    public const int BigCrates = 3;

    private static readonly string[] Left =
    [
        "async", "fast", "tiny", "serde", "tokio", "http", "json", "yaml", "toml", "byte", "bit", "rand", "hash", "crypto",
        "log", "trace", "config", "cli", "term", "color", "time", "date", "uuid", "url", "path", "fs", "io", "net",
        "tcp", "udp", "tls", "sql", "db", "cache", "queue", "pool", "sync", "lock", "atomic", "simd", "math", "num",
        "float", "vec", "map", "set", "tree", "graph", "str", "text", "regex", "parse", "lex", "derive", "macro",
        "proc", "build", "test", "bench", "mock",
    ];

    private static readonly string[] Right =
    [
        "core", "utils", "rs", "lite", "derive", "macros", "impl", "sys", "types", "codec", "proto", "client", "server",
        "engine", "runtime", "kit", "tools", "helpers", "ext", "traits", "fmt", "parser", "writer", "reader", "stream",
        "buffer", "channel", "executor", "futures", "layer", "service", "router", "store", "backend", "driver", "api",
        "cli", "common", "shared", "base", "extra", "plus", "next", "compat", "support", "bindings", "ffi", "wasm",
        "web", "async", "blocking", "serde", "json", "test", "bench", "fuzz", "check", "lint", "gen", "spec",
    ];

    private static readonly string[] Short = ["q", "z", "qx", "zq", "qrs", "zvk", "xyzw"];

    private static readonly int[] VersionCounts = [1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8];

    public IReadOnlyList<CratePlan> Crates { get; }
    public int Seed { get; }

    private RegistryPlan(IReadOnlyList<CratePlan> crates, int seed)
    {
        Crates = crates;
        Seed = seed;
    }

    public int VersionCount => Crates.Sum(c => c.Versions.Count);

    public static RegistryPlan Create(int crateCount, int seed)
    {
        var random = new Random(seed);
        var crates = new List<CratePlan>(crateCount + BigCrates);
        for (var i = 0; i < crateCount; i++)
        {
            var name = NameOf(i);
            var versionCount = i < 50 ? 4 + random.Next(6) : VersionCounts[random.Next(VersionCounts.Length)];
            var depCount = i == 0 ? 0 : Math.Min(i, random.Next(100) switch { < 25 => 0, < 45 => 1, < 65 => 2, < 80 => 3, < 90 => 4, < 96 => 6, _ => 9 });
            // Earlier crates are depended on far more often (u^2 skews towards index 0), as popular crates are.
            var deps = new SortedSet<int>();
            for (var d = 0; d < depCount; d++) deps.Add((int)(i * Math.Pow(random.NextDouble(), 2)));
            var depPlans = deps.Select(j => new DepPlan(j, random.Next(100) switch { < 80 => "normal", < 90 => "dev", _ => "build" }, random.Next(100) < 12, random.Next(100) < 5)).ToList();
            var depNames = depPlans.Select(d => (d, crates[d.CrateIndex])).ToList();

            var versions = new List<VersionPlan>(versionCount);
            var (major, minor, patch) = (0, 1, 0);
            for (var v = 0; v < versionCount; v++)
            {
                if (v > 0)
                {
                    var bump = random.Next(100);
                    if (bump < 60) patch++;
                    else if (bump < 90 || major > 2) { minor++; patch = 0; }
                    else { major++; minor = 0; patch = 0; }
                }
                var isLast = v == versionCount - 1;
                // The newest version is never yanked, so a resolver always finds it.
                var yanked = !isLast && random.Next(100) < 8;
                // Later versions may drop a dependency: the index lines of one crate differ, as real ones do.
                var versionDeps = depNames.Where(_ => isLast || random.Next(100) < 90)
                    .Select(p => new DependencyPlan(p.Item2.Name, p.Item2.LatestReq, p.d.Kind, p.d.Optional && p.d.Kind == "normal", p.d.TargetSpecific ? "cfg(unix)" : null))
                    .ToList();
                var extraFeatures = random.Next(4);
                versions.Add(new VersionPlan($"{major}.{minor}.{patch}", versionDeps, extraFeatures, yanked, 200 + random.Next(3000)));
            }
            crates.Add(new CratePlan(i, name, versions, DescriptionOf(name, random), KeywordsOf(i, random)));
        }
        for (var b = 1; b <= BigCrates; b++)
        {
            crates.Add(new CratePlan(crateCount + b - 1, $"bench-big-{b}", [new VersionPlan("1.0.0", [], 0, false, 500, BigCrateBytes)], "A 5 MB crate for download throughput", ["bench"]));
        }
        return new RegistryPlan(crates, seed);
    }

    /// <summary>Unique per index, also under Cargo's canonicalisation ('-' = '_', case-insensitive).</summary>
    public static string NameOf(int i)
    {
        if (i < Short.Length) return Short[i];
        var k = i - Short.Length;
        var a = Left[k % Left.Length];
        var b = Right[k / Left.Length % Right.Length];
        var n = k / (Left.Length * Right.Length);
        var separator = k % 7 == 3 ? "_" : "-";
        return n == 0 ? $"{a}{separator}{b}" : $"{a}{separator}{b}{n}";
    }

    private static string DescriptionOf(string name, Random random) =>
        $"{name}: {Phrases[random.Next(Phrases.Length)]} {Phrases[random.Next(Phrases.Length)]}";

    private static readonly string[] Phrases =
    [
        "A fast and small library", "for parsing and writing data", "with zero-copy deserialisation", "for async runtimes",
        "bindings to the system library", "procedural macros for derive", "a command line toolkit", "with no_std support",
        "an HTTP client and server", "utilities for testing", "lock-free data structures", "SIMD accelerated routines",
    ];

    private static string[] KeywordsOf(int i, Random random)
    {
        var count = random.Next(4);
        return Enumerable.Range(0, count).Select(k => Left[(i + k * 13) % Left.Length]).Distinct().ToArray();
    }
}

public sealed record CratePlan(int Index, string Name, IReadOnlyList<VersionPlan> Versions, string Description, string[] Keywords)
{
    /// <summary>A caret requirement that accepts the newest version (`0.3` for 0.3.x, `2` for 2.x).</summary>
    public string LatestReq
    {
        get
        {
            var parts = Versions[^1].Version.Split('.');
            return parts[0] == "0" ? $"0.{parts[1]}" : parts[0];
        }
    }
}

public sealed record DepPlan(int CrateIndex, string Kind, bool Optional, bool TargetSpecific);

public sealed record DependencyPlan(string Name, string Req, string Kind, bool Optional, string? Target);

public sealed record VersionPlan(string Version, IReadOnlyList<DependencyPlan> Deps, int ExtraFeatures, bool Yanked, int ReadmeBytes, int PayloadBytes = 0);

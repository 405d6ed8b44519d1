using GhostCrate.Protocol.Publishing;

namespace GhostCrate.Protocol.Tests;

/// <summary>Publish metadata covering every index feature: renames, targets, kinds, optional deps, new feature syntax.</summary>
internal static class Samples
{
    public const string Cksum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string CratesIo = "https://github.com/rust-lang/crates.io-index";
    public static readonly DateTimeOffset Pubtime = new(2026, 11, 22, 12, 0, 0, 789, TimeSpan.FromHours(2));

    public static PublishMetadata Full() => new()
    {
        Name = "demo",
        Vers = "1.2.3+build.5",
        Deps =
        [
            new() { Name = "serde", VersionReq = "^1.0", Features = ["derive"], Registry = CratesIo },
            new() { Name = "rand", VersionReq = "^0.8", ExplicitNameInToml = "rand08" },
            new() { Name = "libc", VersionReq = ">=0.2, <0.3", Target = "cfg(unix)" },
            new() { Name = "cc", VersionReq = "^1", Kind = "build" },
            new() { Name = "proptest", VersionReq = "~1.4", Kind = "dev", DefaultFeatures = false },
            new() { Name = "tokio", VersionReq = "^1", Optional = true, Features = ["rt"] },
        ],
        Features = new Dictionary<string, IReadOnlyList<string>>
        {
            ["std"] = [],
            ["default"] = ["std"],
            ["fast"] = ["tokio?/rt-multi-thread"],
            ["async"] = ["dep:tokio", "std"],
        },
        Links = "demo-sys",
        RustVersion = "1.70",
    };

    public static PublishMetadata Plain() => new()
    {
        Name = "plain",
        Vers = "0.1.0",
        Features = new Dictionary<string, IReadOnlyList<string>> { ["b"] = ["a"], ["a"] = [] },
    };
}

using GhostCrate.Mirror.Configuration;
using GhostCrate.Mirror.Downloads;
using GhostCrate.Mirror.Selection;
using GhostCrate.Mirror.Storage;

namespace GhostCrate.Mirror.Tests;

public sealed class SelectionTests
{
    private static List<IndexLine> Lines(string name, params (string Version, bool Yanked)[] versions) =>
        IndexLine.ParseFile(string.Join('\n', versions.Select(v =>
            $"{{\"name\":\"{name}\",\"vers\":\"{v.Version}\",\"deps\":[],\"cksum\":\"{new string('a', 64)}\",\"features\":{{}},\"yanked\":{(v.Yanked ? "true" : "false")}}}")), out _);

    [Fact]
    public void Keep_latest_and_skip_yanked_keep_the_upstream_order()
    {
        var selection = ResolvedSelection.Resolve(new SelectionConfig { Crates = ["serde"], SkipYanked = true, KeepLatest = 2 }, "/");
        var kept = selection.Select("serde", Lines("serde", ("1.0.0", false), ("1.0.10", false), ("1.0.9", false), ("1.0.11", true), ("0.9.0", false)));
        Assert.Equal(["1.0.10", "1.0.9"], kept.Select(l => l.Entry.Vers));
    }

    [Fact]
    public void Include_and_exclude_patterns_filter_names_case_insensitively()
    {
        var selection = ResolvedSelection.Resolve(new SelectionConfig { Include = ["tokio*", "serde"], Exclude = ["*-macros"] }, "/");
        Assert.True(selection.Everything);
        Assert.True(selection.WantsCrate("tokio"));
        Assert.True(selection.WantsCrate("Tokio-util"));
        Assert.False(selection.WantsCrate("tokio-macros"));
        Assert.True(selection.WantsCrate("serde"));
        Assert.False(selection.WantsCrate("serde_json"));
    }

    [Fact]
    public void Only_a_selection_without_pins_or_patterns_wants_every_crate()
    {
        // A sync skips listing the whole served index for crates to drop only when no crate can be dropped.
        Assert.True(ResolvedSelection.Resolve(new SelectionConfig { SkipYanked = true, KeepLatest = 3 }, "/").WantsEveryCrate);
        Assert.False(ResolvedSelection.Resolve(new SelectionConfig { Include = ["tokio*"] }, "/").WantsEveryCrate);
        Assert.False(ResolvedSelection.Resolve(new SelectionConfig { Exclude = ["*-macros"] }, "/").WantsEveryCrate);
        Assert.False(ResolvedSelection.Resolve(new SelectionConfig { Crates = ["serde"] }, "/").WantsEveryCrate);
    }

    [Fact]
    public void A_cargo_lock_pins_exactly_its_registry_packages()
    {
        // Parsing is Packaging's CargoLock (tested there); here: only registry packages (git or sparse) are pinned.
        var dir = Support.TempDir.Create("lock");
        try
        {
            var path = Path.Combine(dir, "Cargo.lock");
            File.WriteAllText(path, """
                version = 4

                [[package]]
                name = "app"
                version = "0.1.0"

                [[package]]
                name = "serde"
                version = "1.0.200"
                source = "registry+https://github.com/rust-lang/crates.io-index"

                [[package]]
                name = "local-git"
                version = "0.3.0"
                source = "git+https://example.invalid/x#abc"

                [[package]]
                name = "itoa"
                version = "1.0.11"
                source = "sparse+https://index.crates.io/"
                """);
            Assert.Equal([("serde", "1.0.200"), ("itoa", "1.0.11")], ResolvedSelection.ReadLockfile(path));
            File.WriteAllText(path, "[dependencies]\nserde = \"1\"\n");
            Assert.Contains("does not look like a Cargo.lock", Assert.Throws<MirrorException>(() => ResolvedSelection.ReadLockfile(path)).Message);
        }
        finally
        {
            Support.TempDir.Delete(dir);
        }
    }

    [Fact]
    public void A_vendor_folder_pins_its_registry_packages()
    {
        var dir = Support.TempDir.Create("vendor");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "serde"));
            File.WriteAllText(Path.Combine(dir, "serde", "Cargo.toml"), "[package]\nedition = \"2018\"\nname = \"serde\"\nversion = \"1.0.200\"\n\n[dependencies.serde_derive]\nversion = \"1\"\n");
            File.WriteAllText(Path.Combine(dir, "serde", ".cargo-checksum.json"), "{\"files\":{},\"package\":\"ddc6\"}");
            Directory.CreateDirectory(Path.Combine(dir, "from-git"));
            File.WriteAllText(Path.Combine(dir, "from-git", "Cargo.toml"), "[package]\nname = \"from-git\"\nversion = \"0.1.0\"\n");
            File.WriteAllText(Path.Combine(dir, "from-git", ".cargo-checksum.json"), "{\"files\":{},\"package\":null}");
            Assert.Equal([("serde", "1.0.200")], VendorDirReader.Read(dir));
        }
        finally
        {
            Support.TempDir.Delete(dir);
        }
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_a_ceiling()
    {
        var backoff = new Backoff(new DownloadConfig { InitialBackoffMs = 100, MaxBackoffMs = 1000 }, new Random(42));
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var ceiling = Math.Min(1000, 100 * Math.Pow(2, attempt - 1));
            var delays = Enumerable.Range(0, 50).Select(_ => backoff.Delay(attempt).TotalMilliseconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, 0, ceiling));
            Assert.True(delays.Distinct().Count() > 10, "jitter should spread the delays");
        }
        Assert.InRange(backoff.Delay(1, TimeSpan.FromMilliseconds(700)).TotalMilliseconds, 700, 1000);
    }

    [Fact]
    public void Config_validation_names_each_bad_key()
    {
        var config = MirrorConfig.Create("ftp://nope", null) with { Download = new DownloadConfig { Concurrency = 0, MaxAttempts = 0 }, Selection = new SelectionConfig { KeepLatest = -1 } };
        var errors = config.Validate();
        Assert.Contains(errors, e => e.StartsWith("upstream.index", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("download.concurrency", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("download.maxAttempts", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("selection.keepLatest", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("1.0.0/../../x")]
    public void Hostile_versions_never_become_paths_outside_the_mirror(string version)
    {
        Assert.Throws<MirrorException>(() => MirrorLayout.CrateRelativePath("serde", version));
    }
}

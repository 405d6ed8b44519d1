using GhostCrate.Mirror.Tests.Support;

namespace GhostCrate.Mirror.Tests;

/// <summary>What a new user ran into with the mirror's HOWTOs (issue 26, item 6): `~` in comma lists, mirror.json escapes, verb help.</summary>
public sealed class MirrorCliFixesTests : IDisposable
{
    private readonly string _dir = TempDir.Create("cli-fixes");

    public void Dispose() => TempDir.Delete(_dir);

    [Fact]
    public async Task Init_expands_tilde_in_every_listed_path_and_writes_mirror_json_as_the_docs_show_it()
    {
        var home = Environment.GetEnvironmentVariable("HOME")!;
        var init = await MirrorHarness.CliAsync("mirror", "init", _dir, "--upstream", "sparse+https://index.crates.io/",
            "--lockfiles", "~/app/Cargo.lock,~/tool/Cargo.lock", "--vendor-dirs", "~/vendor");
        Assert.True(init.Exit == 0, init.Out + init.Err);

        var json = File.ReadAllText(Path.Combine(_dir, "mirror.json"));
        Assert.Contains("\"index\": \"sparse+https://index.crates.io/\"", json);
        Assert.DoesNotContain("\\u", json);
        Assert.Contains(System.Text.Json.JsonSerializer.Serialize(Path.Combine(home, "tool", "Cargo.lock")), json);
        Assert.Contains(System.Text.Json.JsonSerializer.Serialize(Path.Combine(home, "app", "Cargo.lock")), json);
        Assert.Contains(System.Text.Json.JsonSerializer.Serialize(Path.Combine(home, "vendor")), json);
        Assert.DoesNotContain("~", json);
    }

    [Fact]
    public async Task A_hand_written_tilde_path_in_mirror_json_is_a_clear_error_not_a_folder_called_tilde()
    {
        Assert.Equal(0, (await MirrorHarness.CliAsync("mirror", "init", _dir, "--upstream", "sparse+https://index.crates.io/", "--crates", "serde")).Exit);
        var path = Path.Combine(_dir, "mirror.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"lockfiles\": []", "\"lockfiles\": [\"~/app/Cargo.lock\"]", StringComparison.Ordinal));
        var sync = await MirrorHarness.CliAsync("mirror", "sync", _dir, "--plain");
        Assert.Equal(2, sync.Exit);
        Assert.Contains("selection.lockfiles: '~/app/Cargo.lock' starts with ~", sync.Err);
    }

    [Theory]
    [InlineData("export", "ghostcrate mirror export DIR --out FILE")]
    [InlineData("import", "ghostcrate mirror import FILE --into DIR")]
    [InlineData("sync", "ghostcrate mirror sync DIR")]
    public async Task Mirror_verb_help_prints_that_verbs_usage(string verb, string usage)
    {
        var help = await MirrorHarness.CliAsync("mirror", verb, "--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains(usage, help.Out);
        Assert.DoesNotContain("ghostcrate serve", help.Out);
        Assert.DoesNotContain("ghostcrate backup", help.Out);
    }

    [Fact]
    public async Task Toolchain_sync_help_lists_keep_stable()
    {
        var help = await MirrorHarness.CliAsync("toolchain", "sync", "--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("--keep-stable N", help.Out);
        Assert.DoesNotContain("ghostcrate mirror", help.Out);
    }
}

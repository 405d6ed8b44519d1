using System.Net;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.ContentChecks;

/// <summary>
/// Content flags through the real publish API (docs/security.md "Content flags"): a crate with an executable ELF file
/// and a build.rs that runs commands is flagged exactly, on the version JSON API and on the crate page; a plain crate is not.
/// </summary>
public class ContentFlagPublishTests
{
    private static readonly byte[] Elf = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    internal static byte[] FlaggedCrateBody(string name, string version) => CrateFileBuilder.Valid(name, version)
        .Executable($"{name}-{version}/bin/helper", Elf)
        .File($"{name}-{version}/build.rs", "use std::process::Command;\nfn main() { Command::new(\"sh\").arg(\"-c\").arg(\"true\").status().unwrap(); }\n")
        .PublishBody();

    [Fact]
    public async Task A_crate_with_an_executable_elf_and_a_commanding_build_script_is_flagged_exactly_and_a_plain_one_is_not()
    {
        await using var app = await TestApp.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(FlaggedCrateBody("flagged", "1.0.0"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PublishAsync(CrateFileBuilder.Valid("plain", "1.0.0").PublishBody())).StatusCode);

        var flagged = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/flagged/1.0.0"));
        var flags = flagged.GetProperty("version").GetProperty("content_flags").EnumerateArray()
            .Select(f => (f.GetProperty("kind").GetString(), f.GetProperty("path").GetString(), f.GetProperty("detail").GetString())).ToList();
        Assert.Equal(
            [
                ("build_script", "build.rs", "runs at build time on every machine that builds this crate"),
                ("build_script_hint", "build.rs", "runs programs (std::process::Command)"),
                ("executable", "bin/helper", "mode 0755"),
                ("native_binary", "bin/helper", "ELF binary"),
            ],
            flags);

        var plain = await Json.ReadAsync(await app.Client().GetAsync("/api/v1/crates/plain/1.0.0"));
        Assert.Empty(plain.GetProperty("version").GetProperty("content_flags").EnumerateArray());

        // The crate page lists them compactly with their paths; the plain crate's page has no list.
        var page = await app.Client().GetStringAsync("/crates/flagged/1.0.0");
        Assert.Contains("data-content-flags", page);
        Assert.Contains("<code>bin/helper</code>", page);
        Assert.Contains("data-flag=\"native_binary\"", page);
        Assert.DoesNotContain("data-content-flags", await app.Client().GetStringAsync("/crates/plain/1.0.0"));
    }
}

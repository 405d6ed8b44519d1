using System.Net;
using System.Text.Json;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>
/// Content flags and a typosquat warning with the real cargo (docs/security.md), on the lane chosen by
/// GHOSTCRATE_E2E_BACKEND: what `cargo package` really writes (its modes, its normalised manifest) is what is flagged.
/// </summary>
public sealed class ContentFlagTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Cargo_publish_of_a_crate_with_an_executable_elf_and_a_commanding_build_script_is_flagged_exactly()
    {
        var name = $"flags-{Ids.New()}";
        var project = await Cargo.NewLibAsync(name, "0.1.0", files: new Dictionary<string, string>
        {
            ["build.rs"] = "use std::process::Command;\nfn main() { let _ = Command::new(\"true\").status(); }\n",
        });
        // An ELF header with an executable bit, as a vendored prebuilt helper would be.
        var helper = Path.Combine(project.Directory, "tools", "helper");
        Directory.CreateDirectory(Path.GetDirectoryName(helper)!);
        await File.WriteAllBytesAsync(helper, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], Cancel);
        Assert.SkipWhen(OperatingSystem.IsWindows(), "executable bits are a Unix file mode");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(helper, (UnixFileMode)0b111_101_101);
        var plain = await Cargo.NewLibAsync($"plain-{Ids.New()}", "0.1.0");

        await Cargo.PublishOkAsync(project, verify: false);
        await Cargo.PublishOkAsync(plain, verify: false);

        var answer = await Http.GetAsync($"/api/v1/crates/{name}/0.1.0", cancellationToken: Cancel);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Describe());
        var flags = JsonDocument.Parse(answer.Body).RootElement.GetProperty("version").GetProperty("content_flags").EnumerateArray()
            .Select(f => (f.GetProperty("kind").GetString(), f.GetProperty("path").GetString(), f.GetProperty("detail").GetString())).ToList();
        Assert.Equal(
            [
                ("build_script", "build.rs", "runs at build time on every machine that builds this crate"),
                ("build_script_hint", "build.rs", "runs programs (std::process::Command)"),
                ("executable", "tools/helper", "mode 0755"),
                ("native_binary", "tools/helper", "ELF binary"),
            ],
            flags);

        var plainAnswer = await Http.GetAsync($"/api/v1/crates/{plain.Name}/0.1.0", cancellationToken: Cancel);
        Assert.True(plainAnswer.Status == HttpStatusCode.OK, plainAnswer.Describe());
        Assert.Empty(JsonDocument.Parse(plainAnswer.Body).RootElement.GetProperty("version").GetProperty("content_flags").EnumerateArray());
    }

    [Fact]
    public async Task Cargo_prints_the_typosquat_warning_of_a_name_close_to_a_private_crate()
    {
        var id = Ids.New();
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync($"billing-{id}", "0.1.0"), verify: false);
        // `billing-ID` with its second and third letters swapped.
        var squat = await Cargo.PublishOkAsync(await Cargo.NewLibAsync($"bliling-{id}", "0.1.0"), verify: false);
        Assert.Contains($"is close to the existing crate `billing-{id}` (two neighbouring characters swapped)", squat.Describe());
    }
}

using System.Net;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>A registry that holds native binaries and typosquats for an administrator's approval.</summary>
public sealed class HoldingServerFixture : ServerFixture
{
    protected override ServerOptions Options => new()
    {
        Settings = new Dictionary<string, string>
        {
            ["GHOSTCRATE_Publishing__RequireApprovalFor"] = "native-binary",
            ["GHOSTCRATE_Publishing__HoldTyposquats"] = "true",
        },
    };
}

/// <summary>
/// The approval hold with the real cargo (docs/security.md "Approval hold"), on the lane chosen by
/// GHOSTCRATE_E2E_BACKEND: the upload is stored and cargo publish stops at once with why the version is held (it
/// does not wait for the index), a dependent cannot resolve it until an administrator approves it, and then it
/// resolves and builds.
/// </summary>
public sealed class ApprovalHoldTests(HoldingServerFixture fixture) : EndToEndTest(fixture), IClassFixture<HoldingServerFixture>
{
    private Task<HttpAnswer> ApproveAsync(string crate, string version) =>
        Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"api/v1/admin/held/{crate}/{version}/approve"), Server.AdminToken, Cancel);

    /// <summary>
    /// Publishes a version the registry holds: cargo fails with the hold's reason and never starts its wait for the
    /// version to appear in the index (which would end, after 60 s, in "timed out waiting").
    /// </summary>
    private async Task<string> PublishHeldAsync(CrateProject project)
    {
        var result = await Cargo.PublishAsync(project, verify: false);
        var output = result.Describe();
        Assert.False(result.Succeeded, output);
        Assert.Contains("the upload succeeded and the version is stored", output);
        // Cargo's wait prints "waiting for `NAME v0.1.0` to be available at ..." and, at its end, "timed out waiting for".
        Assert.DoesNotContain("to be available", output);
        return output;
    }

    [Fact]
    public async Task A_crate_with_an_elf_binary_is_held_cargo_cannot_resolve_it_until_it_is_approved_then_it_builds()
    {
        var id = Ids.New();
        var lib = await Cargo.NewLibAsync($"native-{id}", "0.1.0", files: new Dictionary<string, string> { ["src/lib.rs"] = "pub fn seven() -> u8 { 7 }\n" });
        // A prebuilt helper, as a crate vendoring a binary would ship it.
        await File.WriteAllBytesAsync(Path.Combine(lib.Directory, "helper.bin"), [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], Cancel);

        var published = await PublishHeldAsync(lib);
        Assert.Contains($"`{lib.Name}@0.1.0` is held for approval (content flags: native-binary (helper.bin))", published);
        // Stored all the same: publishing it again is refused while it waits for a decision.
        var again = await Cargo.PublishAsync(lib, verify: false);
        Assert.False(again.Succeeded, again.Describe());

        var app = await Cargo.NewLibAsync($"native-app-{id}", dependencies: $"{lib.Name} = {{ version = \"0.1\", registry = \"{CargoSandbox.Registry}\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn get() -> u8 {{ {lib.RustName}::seven() }}\n" });
        var unresolved = await Cargo.RunAsync(app.Directory, ["generate-lockfile"]);
        Assert.False(unresolved.Succeeded, unresolved.Describe());
        Assert.Contains(lib.Name, unresolved.Describe());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DownloadAsync(lib.Name, "0.1.0", cancellationToken: Cancel)).Status);

        var approved = await ApproveAsync(lib.Name, "0.1.0");
        Assert.True(approved.Status == HttpStatusCode.OK, approved.Describe());

        await Cargo.RunOkAsync(app.Directory, ["generate-lockfile"]);
        Assert.Equal("0.1.0", CargoSandbox.LockedVersion(app, lib.Name));
        await Cargo.RunOkAsync(app.Directory, ["build"]);
    }

    [Fact]
    public async Task A_typosquat_of_a_private_crate_is_held_and_not_in_the_index()
    {
        var id = Ids.New();
        await Cargo.PublishOkAsync(await Cargo.NewLibAsync($"billing-{id}", "0.1.0"), verify: false);
        // `billing-ID` with its second and third letters swapped.
        var squat = await PublishHeldAsync(await Cargo.NewLibAsync($"bliling-{id}", "0.1.0"));
        Assert.Contains($"`bliling-{id}@0.1.0` is held for approval (name close to `billing-{id}` (swapped))", squat);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetIndexFileAsync($"bliling-{id}", cancellationToken: Cancel)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetIndexFileAsync($"billing-{id}", cancellationToken: Cancel)).Status);
    }
}

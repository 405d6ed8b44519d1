using System.Net;
using GhostCrate.EndToEnd.Infrastructure;

namespace GhostCrate.EndToEnd;

/// <summary>The server as an operator meets it: restarts keep everything, migrations re-run safely, health endpoints.</summary>
public sealed class LifecycleTests(ServerFixture fixture) : EndToEndTest(fixture), IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Published_crates_survive_a_restart_and_the_admin_token_still_works()
    {
        var crate = await Cargo.NewLibAsync($"durable-{Ids.New()}", files: new Dictionary<string, string>
        {
            ["src/lib.rs"] = "pub fn answer() -> u32 { 42 }\n",
        });
        await Cargo.PublishOkAsync(crate);
        var before = await Http.GetIndexFileAsync(crate.Name, cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, before.Status);

        // A kill, as a crash or an OOM would do; then a second start with the same GHOSTCRATE_ADMIN_TOKEN.
        await Server.RestartAsync(Cancel);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("health", cancellationToken: Cancel)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("ready", cancellationToken: Cancel)).Status);

        var after = await Http.GetIndexFileAsync(crate.Name, cancellationToken: Cancel);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(before.Body, after.Body);

        // A fresh cargo (empty CARGO_HOME) resolves, downloads and builds it from the restarted server.
        var fresh = NewSandbox(Server.AdminToken);
        var consumer = await fresh.NewLibAsync($"consumer-{Ids.New()}",
            dependencies: $"{crate.Name} = {{ version = \"0.1\", registry = \"ghostcrate\" }}",
            files: new Dictionary<string, string> { ["src/lib.rs"] = $"pub fn get() -> u32 {{ {crate.RustName}::answer() }}\n" });
        await fresh.RunOkAsync(consumer.Directory, ["build"]);

        var next = await fresh.NewLibAsync(crate.Name, version: "0.2.0");
        await fresh.PublishOkAsync(next, verify: false);
        Assert.Equal(2, (await Http.GetIndexEntriesAsync(crate.Name, cancellationToken: Cancel)).Count);
    }

    [Fact]
    public async Task Migrate_can_run_again_on_an_up_to_date_database()
    {
        var result = await Server.RunCliAsync(["migrate", "--data-dir", Server.DataDir], cancellationToken: Cancel);
        Assert.True(result.Succeeded, result.Describe());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("ready", cancellationToken: Cancel)).Status);
    }

    [Fact]
    public async Task Admin_cli_rejects_a_token_for_an_unknown_user()
    {
        var result = await Server.RunCliAsync(["admin", "token", "create", "--user", "ghost" + Ids.New(), "--data-dir", Server.DataDir],
            cancellationToken: Cancel);
        Assert.False(result.Succeeded, result.Describe());
        Assert.Equal("", result.StdOut.Trim());
    }
}

/// <summary>Start-up validation: a bad setting stops `ghostcrate serve` at once, naming the key.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("GHOSTCRATE_Registry__MaxCrateSizeBytes", "banana", "MaxCrateSizeBytes")]
    [InlineData("GHOSTCRATE_Database__Provider", "Oracle", "Provider")]
    [InlineData("GHOSTCRATE_Storage__Provider", "Floppy", "Provider")]
    public async Task A_bad_setting_stops_the_server_with_a_line_naming_the_key(string variable, string value, string key)
    {
        var root = TempDirs.Create("badsetting");
        try
        {
            var env = new Dictionary<string, string?> { [variable] = value, ["GHOSTCRATE_E2E_BACKEND"] = null };
            var port = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            port.Start();
            var number = ((IPEndPoint)port.LocalEndpoint).Port;
            port.Stop();
            // If the setting were accepted the server would keep running: the timeout turns that into a failure.
            var result = await ProcessRunner.RunAsync("dotnet",
                [ServerBinary.Path, "serve", "--urls", $"http://127.0.0.1:{number}", "--data-dir", Path.Combine(root, "data")],
                root, env, timeout: TimeSpan.FromSeconds(60), cancellationToken: TestContext.Current.CancellationToken);
            Assert.NotEqual(0, result.ExitCode);
            var output = result.StdOut + result.StdErr;
            Assert.Contains(key, output);
            Assert.DoesNotContain("Now listening", output);
        }
        finally
        {
            TempDirs.Delete(root);
        }
    }
}

using System.Net;
using GhostCrate.Configuration;
using GhostCrate.Mirror.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace GhostCrate.Mirror.Tests.Toolchains;

public sealed class ToolchainServingConfigTests
{
    [Theory]
    [InlineData("/mirror/", "overlaps Mirror:MountPath")]
    [InlineData("/mirror/rustup/", "overlaps Mirror:MountPath")]
    [InlineData("/api/rustup/", "overlaps a route")]
    [InlineData("rustup", "must look like")]
    public void A_toolchain_mount_that_collides_or_is_malformed_stops_start_up(string mount, string message)
    {
        var dir = TempDir.Create("toolchain-config");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "index"));
            var error = Assert.Single(Load(dir, mount));
            Assert.StartsWith("Mirror:ToolchainMountPath", error);
            Assert.Contains(message, error);
            Assert.Empty(Load(dir, "/toolchains/"));
        }
        finally
        {
            TempDir.Delete(dir);
        }
    }

    [Fact]
    public async Task Toolchains_can_be_made_to_require_a_token()
    {
        var dir = TempDir.Create("toolchain-token");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "index"));
            await using var server = await MirrorServer.StartAsync(dir, extra: new Dictionary<string, string?>
            {
                ["Registry:AuthRequired"] = "true",
                ["Mirror:ToolchainsRequireToken"] = "true",
            });
            using var client = server.Client();
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("rustup/dist/channel-rust-stable.toml")).StatusCode);
        }
        finally
        {
            TempDir.Delete(dir);
        }
    }

    private static IReadOnlyList<string> Load(string directory, string toolchainMount)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = "./data",
            ["Urls"] = "http://127.0.0.1:0",
            ["Mirror:Directory"] = directory,
            ["Mirror:ToolchainMountPath"] = toolchainMount,
        }).Build();
        return GhostCrateSettings.Load(configuration, Path.GetTempPath()).Errors;
    }
}

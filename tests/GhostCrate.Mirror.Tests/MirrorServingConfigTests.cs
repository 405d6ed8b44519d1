using GhostCrate.Configuration;
using GhostCrate.Mirror.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace GhostCrate.Mirror.Tests;

public sealed class MirrorServingConfigTests
{
    private static IReadOnlyList<string> Load(string directory, string mount)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataDir"] = "./data",
            ["Urls"] = "http://127.0.0.1:0",
            ["Mirror:Directory"] = directory,
            ["Mirror:MountPath"] = mount,
        }).Build();
        return GhostCrateSettings.Load(configuration, Path.GetTempPath()).Errors;
    }

    [Theory]
    [InlineData("/index/", "overlaps")]
    [InlineData("/crates-io/", "overlaps")]
    [InlineData("/", "must look like")]
    [InlineData("mirror", "must look like")]
    [InlineData("/api/mirror/", "overlaps")]
    public void A_mount_path_that_collides_or_is_malformed_stops_start_up(string mount, string message)
    {
        var dir = TempDir.Create("serve-config");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "index"));
            var error = Assert.Single(Load(dir, mount));
            Assert.StartsWith("Mirror:MountPath", error);
            Assert.Contains(message, error);
            Assert.Empty(Load(dir, "/offline-mirror/"));
        }
        finally
        {
            TempDir.Delete(dir);
        }
    }

    [Fact]
    public void A_directory_that_is_not_a_mirror_stops_start_up()
    {
        var error = Assert.Single(Load("/nonexistent/mirror", "/mirror/"));
        Assert.Contains("Mirror:Directory", error);
    }

    [Fact]
    public void A_directory_with_a_served_generation_is_a_mirror_even_without_the_index_link()
    {
        var dir = TempDir.Create("serve-generation");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, ".ghostcrate", "generations", "000000001", "index"));
            Directory.CreateSymbolicLink(Path.Combine(dir, "current"), Path.Combine(".ghostcrate", "generations", "000000001"));
            Assert.Empty(Load(dir, "/mirror/"));
            Directory.Delete(Path.Combine(dir, ".ghostcrate"), recursive: true);
            Assert.Contains("is not a mirror directory", Assert.Single(Load(dir, "/mirror/")));
        }
        finally
        {
            TempDir.Delete(dir);
        }
    }
}

using GhostCrate.Core.Options;
using GhostCrate.Web.Ui;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests.Ui;

public sealed class UiPathsTests
{
    private static UiPaths Paths(ProxyOptions? proxy = null, MirrorOptions? mirror = null)
    {
        var services = new ServiceCollection();
        if (proxy is not null) services.AddSingleton(Microsoft.Extensions.Options.Options.Create(proxy));
        if (mirror is not null) services.AddSingleton(Microsoft.Extensions.Options.Options.Create(mirror));
        return new UiPaths(services.BuildServiceProvider());
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/search", true)]
    [InlineData("/crates/serde", true)]
    [InlineData("/me", true)]
    [InlineData("/admin/users", true)]
    [InlineData("/index/se/rd/serde", false)]
    [InlineData("/api/v1/crates", false)]
    [InlineData("/api/v1/me", false)]
    [InlineData("/crates-io/index/config.json", false)]
    [InlineData("/health", false)]
    [InlineData("/ready", false)]
    [InlineData("/assets/css/site.css", false)]
    public void Default_machine_paths(string path, bool isPage)
    {
        Assert.Equal(isPage, Paths().IsPage(new PathString(path)));
    }

    [Fact]
    public void Configured_proxy_and_mirror_mounts_are_machine_paths()
    {
        var paths = Paths(
            new ProxyOptions { Enabled = true, Upstreams = { ["internal"] = new UpstreamOptions() } },
            new MirrorOptions { Directory = "/srv/mirror", MountPath = "/offline/" });

        Assert.False(paths.IsPage(new PathString("/internal/index/config.json")));
        Assert.False(paths.IsPage(new PathString("/offline/crates/serde/1.0.0/download")));
        Assert.True(paths.IsPage(new PathString("/internals")));
        Assert.True(paths.IsPage(new PathString("/crates/internal")));
    }
}

using GhostCrate.Core.Docs.Build;
using GhostCrate.Core.Options;

namespace GhostCrate.Core.Tests.Docs;

/// <summary>Docs:Build:* at start-up (docs/configuration.md), and the build log's cap.</summary>
public sealed class DocsBuildOptionsTests
{
    private static DocsBuildOptions Valid() => new() { Enabled = true, ScratchDir = "/var/lib/ghostcrate/docs-build", RegistryUrl = "http://127.0.0.1:8000" };

    [Fact]
    public void Off_by_default_and_nothing_is_checked_while_off()
    {
        Assert.False(new DocsOptions().Build.Enabled);
        Assert.Empty(DocsBuildOptions.Validate(new DocsBuildOptions { Toolchain = "", Concurrency = 0 }, isRoot: false));
        Assert.Empty(DocsBuildOptions.Validate(Valid(), isRoot: true));
    }

    [Fact]
    public void The_network_namespace_needs_root_and_no_sandbox_must_be_chosen_explicitly()
    {
        var error = Assert.Single(DocsBuildOptions.Validate(Valid(), isRoot: false));
        Assert.Contains("Docs:Build:Sandbox=none", error, StringComparison.Ordinal);
        var none = Valid();
        none.Sandbox = DocsBuildSandbox.None;
        Assert.Empty(DocsBuildOptions.Validate(none, isRoot: false));
    }

    [Theory]
    [InlineData("Toolchain", "Docs:Build:Toolchain")]
    [InlineData("Timeout", "Docs:Build:Timeout")]
    [InlineData("CpuSeconds", "Docs:Build:CpuSeconds")]
    [InlineData("MemoryBytes", "Docs:Build:MemoryBytes")]
    [InlineData("MaxLogBytes", "Docs:Build:MaxLogBytes")]
    [InlineData("ScratchDir", "Docs:Build:ScratchDir")]
    [InlineData("Concurrency", "Docs:Build:Concurrency")]
    [InlineData("RegistryUrl", "Docs:Build:RegistryUrl")]
    [InlineData("RemoteRegistryUrl", "loopback")]
    [InlineData("CratesIoDocsUrl", "Docs:Build:CratesIoDocsUrl")]
    public void Each_bad_setting_is_named(string setting, string expected)
    {
        var options = Valid();
        switch (setting)
        {
            case "Toolchain": options.Toolchain = "stable; rm -rf /"; break;
            case "Timeout": options.Timeout = TimeSpan.Zero; break;
            case "CpuSeconds": options.CpuSeconds = 0; break;
            case "MemoryBytes": options.MemoryBytes = 1024; break;
            case "MaxLogBytes": options.MaxLogBytes = 10; break;
            case "ScratchDir": options.ScratchDir = " "; break;
            case "Concurrency": options.Concurrency = 0; break;
            case "RegistryUrl": options.RegistryUrl = "not a url"; break;
            case "RemoteRegistryUrl": options.RegistryUrl = "https://crates.example.com"; break;
            case "CratesIoDocsUrl": options.CratesIoDocsUrl = "docs.rs"; break;
        }
        var error = Assert.Single(DocsBuildOptions.Validate(options, isRoot: true));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://*:8000", "http://127.0.0.1:8000")]
    [InlineData("http://0.0.0.0:8000/", "http://127.0.0.1:8000")]
    [InlineData("http://127.0.0.1:8123", "http://127.0.0.1:8123")]
    public void The_registry_url_defaults_to_the_listen_address_on_loopback(string url, string expected) =>
        Assert.Equal(expected, DocsBuildOptions.DefaultRegistryUrl([url]));

    [Fact]
    public void The_log_keeps_its_start_and_its_end_within_the_cap()
    {
        var log = new CappedLog(4096);
        log.Line("first line");
        for (var i = 0; i < 1000; i++) log.Line($"line {i} of the middle");
        log.Line("error: the last line says why");
        var text = log.ToString();
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) <= 4096 + 100, $"{text.Length} characters");
        Assert.StartsWith("first line\n", text, StringComparison.Ordinal);
        Assert.EndsWith("error: the last line says why\n", text, StringComparison.Ordinal);
        Assert.Contains("bytes of output left out", text, StringComparison.Ordinal);
    }
}

using System.Text.Json;
using GhostCrate.Web.Tests.Support;

namespace GhostCrate.Web.Tests.Ui;

/// <summary>The graph page hands cytoscape layers in which every dependency lies below its dependents.</summary>
public sealed class GraphLayoutTests
{
    private static object Dep(string name) => new
    {
        name, version_req = "^1", features = Array.Empty<string>(), optional = false, default_features = true, target = (string?)null, kind = "normal", registry = (string?)null,
    };

    [Fact]
    public async Task A_shared_dependency_is_layered_below_the_crate_that_also_depends_on_it()
    {
        await using var app = await TestApp.StartAsync();
        await UiCrates.PublishAsync(app, "g-leaf", "1.0.0");
        await UiCrates.PublishAsync(app, "g-mid", "1.0.0", deps: [Dep("g-leaf")]);
        await UiCrates.PublishAsync(app, "g-top", "1.0.0", deps: [Dep("g-leaf"), Dep("g-mid")]);

        var page = await UiCrates.GetOkPageAsync(app, "/crates/g-top/1.0.0/graph");

        var data = JsonDocument.Parse(page.GetElementById("graph-data")!.TextContent).RootElement;
        var layers = data.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!, n => n.GetProperty("layer").GetInt32());
        Assert.Equal(0, layers["g-top@1.0.0"]);
        Assert.Equal(1, layers["g-mid@1.0.0"]);
        Assert.Equal(2, layers["g-leaf@1.0.0"]);
        foreach (var edge in data.GetProperty("edges").EnumerateArray())
            Assert.True(layers[edge.GetProperty("target").GetString()!] > layers[edge.GetProperty("source").GetString()!], edge.ToString());
    }
}

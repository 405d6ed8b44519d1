using GhostCrate.Core.Catalog;

namespace GhostCrate.Core.Tests.Catalog;

/// <summary>Every dependency is drawn below each crate that depends on it.</summary>
public class GraphLayersTests
{
    private static GraphEdge Edge(string from, string to, string kind = "normal") => new(from, to, "^1", kind, false);

    [Fact]
    public void A_dependency_reached_directly_and_through_another_crate_goes_below_both()
    {
        // root → a → b and root → b: breadth-first puts b beside a; it must sit under a.
        var edges = new[] { Edge("root", "a"), Edge("root", "b"), Edge("a", "b"), Edge("b", "c") };

        var layers = GraphLayers.Compute("root", ["root", "a", "b", "c"], edges);

        Assert.Equal(0, layers["root"]);
        Assert.Equal(1, layers["a"]);
        Assert.Equal(2, layers["b"]);
        Assert.Equal(3, layers["c"]);
        Assert.All(edges, e => Assert.True(layers[e.To] > layers[e.From], $"{e.From} → {e.To}"));
    }

    [Fact]
    public void A_cycle_back_to_the_root_ends_and_the_root_stays_on_top()
    {
        // A dev-dependency of the root may depend on the root again.
        var layers = GraphLayers.Compute("root", ["root", "t", "u"], [Edge("root", "t", "dev"), Edge("t", "root"), Edge("t", "u"), Edge("u", "t")]);

        Assert.Equal(0, layers["root"]);
        Assert.True(layers["t"] >= 1);
        Assert.True(layers["u"] >= 1);
    }
}

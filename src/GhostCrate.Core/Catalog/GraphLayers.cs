namespace GhostCrate.Core.Catalog;

/// <summary>
/// The drawing layer of each node of a dependency graph: the length of the longest path from the root, so every
/// dependency sits below everything that depends on it (a layered drawing, as in Sugiyama's method). Breadth-first
/// depth is not enough: in root → a → b plus root → b, b is one step from the root yet must be drawn below a.
/// </summary>
public static class GraphLayers
{
    public static IReadOnlyDictionary<string, int> Compute(string rootId, IEnumerable<string> nodeIds, IReadOnlyList<GraphEdge> edges)
    {
        var layers = nodeIds.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        layers[rootId] = 0;
        // Relax every edge until nothing moves; cargo's graphs have no cycles (dev-dependencies, which may close one,
        // are only followed from the root), and the pass limit keeps a malformed graph from looping forever.
        for (var pass = 0; pass < layers.Count; pass++)
        {
            var moved = false;
            foreach (var edge in edges)
            {
                if (edge.From == edge.To || edge.To == rootId || !layers.TryGetValue(edge.From, out var from) || !layers.TryGetValue(edge.To, out var to)) continue;
                if (to > from) continue;
                layers[edge.To] = from + 1;
                moved = true;
            }
            if (!moved) break;
        }
        return layers;
    }
}

using System.Text.Json;
using GhostCrate.Core.Catalog;
using Microsoft.AspNetCore.Mvc;

namespace GhostCrate.Web.Pages.Crates;

public sealed class GraphModel(DependencyGraphService graphs) : UiPageModel
{
    public DependencyGraph Graph { get; private set; } = null!;
    public GraphNode Root { get; private set; } = null!;
    public string GraphJson { get; private set; } = "{}";

    public async Task<IActionResult> OnGetAsync(string name, string version, CancellationToken cancellationToken)
    {
        var graph = await graphs.GetAsync(name, version, Viewer, cancellationToken);
        if (graph is null) return NotFound();
        Graph = graph;
        HttpContext.Items[Ui.SecurityHeaders.AllowCytoscapeStyleItem] = true;
        Root = graph.Nodes.First(n => n.Id == graph.RootId);
        // Shaped for cytoscape (elements: nodes and edges, each with a data object).
        GraphJson = JsonSerializer.Serialize(new
        {
            root = graph.RootId,
            nodes = graph.Nodes.Select(n => new
            {
                id = n.Id,
                label = n.Version is null ? $"{n.Name} {n.Req}" : $"{n.Name} {n.Version}",
                source = n.Unresolved ? "missing" : n.Source switch { DependencySource.CratesIo => "crates-io", DependencySource.OtherRegistry => "other", _ => "local" },
                href = n.Source == DependencySource.ThisRegistry && n.Version is not null ? $"/crates/{n.Name}/{Uri.EscapeDataString(n.Version)}" : null,
                yanked = n.Yanked,
                layer = n.Layer,
            }),
            edges = graph.Edges.Select((e, i) => new { id = $"e{i}", source = e.From, target = e.To, kind = e.Kind, optional = e.Optional, req = e.Req }),
        });
        return Page();
    }

    /// <summary>Children of a node for the text tree (each node expanded once, where it first appears).</summary>
    public IEnumerable<(GraphEdge Edge, GraphNode Node)> ChildrenOf(string id) =>
        Graph.Edges.Where(e => e.From == id).Select(e => (e, Graph.Nodes.First(n => n.Id == e.To)));
}

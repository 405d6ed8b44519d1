// Dependency graph page: draws the embedded graph with cytoscape; a click on a crate of this registry opens it.
(function () {
  "use strict";
  function layeredPositions(nodes) {
    var perLayer = {};
    nodes.forEach(function (n) { (perLayer[n.layer] = perLayer[n.layer] || []).push(n.id); });
    var positions = {};
    Object.keys(perLayer).forEach(function (layer) {
      var ids = perLayer[layer];
      ids.forEach(function (id, i) { positions[id] = { x: (i - (ids.length - 1) / 2) * 120, y: Number(layer) * 90 }; });
    });
    return positions;
  }
  function draw() {
    var container = document.getElementById("graph");
    var source = document.getElementById("graph-data");
    if (!container || !source || !window.cytoscape) return;
    var data = JSON.parse(source.textContent);
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    var colours = { local: "#6d4fb3", "crates-io": "#d08b00", other: "#5f7d8e", missing: "#b3261e" };
    var elements = data.nodes.map(function (n) { return { data: n }; })
      .concat(data.edges.map(function (e) { return { data: e }; }));
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "color": dark ? "#e6e6e6" : "#222",
          "text-valign": "bottom", "text-margin-y": 4, "width": 14, "height": 14,
          "background-color": function (n) { return colours[n.data("source")] || colours.other; }
        } },
        { selector: "node[id = '" + data.root.replace(/'/g, "\\'") + "']", style: { "width": 22, "height": 22, "font-weight": "bold" } },
        { selector: "node[?yanked]", style: { "border-width": 2, "border-color": "#b3261e" } },
        { selector: "edge", style: {
          "width": 1.2, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.8,
          "line-color": dark ? "#667" : "#aab", "target-arrow-color": dark ? "#667" : "#aab"
        } },
        { selector: "edge[kind = 'dev'], edge[?optional]", style: { "line-style": "dashed" } }
      ],
      // Layers come from the server (longest path from the root), so a dependency is always drawn below every crate
      // that depends on it; within a layer nodes keep the server's order (by name).
      layout: { name: "preset", positions: layeredPositions(data.nodes), fit: true, padding: 20 }
    });
    // For tests and the curious: how many edges point sideways or up in what cytoscape drew (0 is right).
    var upward = cy.edges().filter(function (e) { return e.target().position("y") <= e.source().position("y"); }).length;
    container.setAttribute("data-upward-edges", String(upward));
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) window.location.href = href;
    });
    container.setAttribute("data-graph-ready", String(cy.nodes().length));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();

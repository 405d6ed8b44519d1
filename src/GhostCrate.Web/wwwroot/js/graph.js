// Dependency graph page: draws the embedded graph with cytoscape; a click on a crate of this registry opens it.
(function () {
  "use strict";
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
      layout: { name: "breadthfirst", directed: true, roots: [data.root], spacingFactor: 1.1, padding: 20 }
    });
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) window.location.href = href;
    });
    container.setAttribute("data-graph-ready", String(cy.nodes().length));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();

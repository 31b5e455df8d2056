/* neurokg graph view.
 *
 * Reads the graph from the JSON in #kg-data (written by kg.export.html). Every text that
 * came from a paper reaches the page through textContent or the canvas, never innerHTML,
 * so a title such as "<script>alert(1)</script>" stays inert text.
 */
"use strict";

// The vis.Network instance, global as in pyvis, so consoles and browser tests can reach it.
var network = null;
var kgData = JSON.parse(document.getElementById("kg-data").textContent);

(function () {
  var byId = new Map();
  kgData.nodes.forEach(function (n) { byId.set(n.id, n); });

  function text(id, value) { document.getElementById(id).textContent = value; }

  // ---- legend
  var legend = document.getElementById("kg-legend");
  kgData.legend.forEach(function (item) {
    var li = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "kg-swatch kg-" + item.shape;
    swatch.style.background = item.color;
    li.appendChild(swatch);
    li.appendChild(document.createTextNode(item.name + " (" + item.count + ")"));
    legend.appendChild(li);
  });

  // ---- data: nodes and edges; tooltips are built on hover, not up front
  var groups = {};
  kgData.legend.forEach(function (item) {
    groups[item.group] = {
      shape: item.shape,
      color: { background: item.color, border: item.border,
               highlight: { background: item.color, border: "#000" },
               hover: { background: item.color, border: "#000" } },
    };
  });
  var nodes = new vis.DataSet(kgData.nodes.map(function (n) {
    var node = { id: n.id, label: n.label, group: n.group, value: n.size };
    if (n.x !== undefined) { node.x = n.x; node.y = n.y; }
    return node;
  }));
  var edgeStyle = {};
  kgData.edge_types.forEach(function (t) { edgeStyle[t.type] = t; });
  var edges = new vis.DataSet(kgData.edges.map(function (e, i) {
    var style = edgeStyle[e.type] || {};
    return { id: i, from: e.from, to: e.to, type: e.type, value: e.weight,
             arrows: style.directed ? "to" : "", dashes: !!style.dashes,
             color: { color: style.color, highlight: "#000", hover: "#000", opacity: 0.7 } };
  }));
  var hidden = new Set(kgData.edge_types.filter(function (t) { return !t.shown; })
                                      .map(function (t) { return t.type; }));
  var visibleEdges = new vis.DataView(edges, { filter: function (e) { return !hidden.has(e.type); } });

  // ---- edge filters
  var filters = document.getElementById("kg-edge-filters");
  kgData.edge_types.forEach(function (t) {
    var li = document.createElement("li");
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = t.shown;
    box.addEventListener("change", function () {
      if (box.checked) { hidden.delete(t.type); } else { hidden.add(t.type); }
      visibleEdges.refresh();
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + t.label + " (" + t.count + ")"));
    li.appendChild(label);
    filters.appendChild(li);
  });

  // ---- the network
  var container = document.getElementById("kg-network");
  var options = {
    groups: groups,
    nodes: { scaling: { min: 8, max: 40 }, font: { size: 12, face: "system-ui, sans-serif" } },
    edges: { scaling: { min: 1, max: 6 }, smooth: kgData.physics ? { type: "continuous" } : false,
             selectionWidth: 2 },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: !kgData.physics },
    physics: kgData.physics
      ? { enabled: true, solver: "forceAtlas2Based",
          forceAtlas2Based: { gravitationalConstant: -60, springLength: 90 },
          stabilization: { enabled: true, iterations: 500, updateInterval: 25 } }
      : { enabled: false },
    layout: { improvedLayout: kgData.nodes.length <= 200 },
  };
  network = new vis.Network(container, { nodes: nodes, edges: visibleEdges }, options);

  if (kgData.physics) {
    text("kg-status", "Laying out…");
    network.on("stabilizationProgress", function (p) {
      text("kg-status", "Laying out… " + Math.round(100 * p.iterations / p.total) + "%");
    });
    // Physics stops once the layout is stable: the view no longer moves by itself.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      text("kg-status", "Layout done. Drag nodes to rearrange.");
    });
  } else {
    text("kg-status", "Positions were computed beforehand (large graph); physics is off.");
  }

  // ---- hover tooltips and details, as plain text
  var tip = document.createElement("div");
  tip.className = "kg-tip";
  tip.hidden = true;
  container.appendChild(tip);
  function showTip(value, pointer) {
    tip.textContent = value;
    tip.style.left = (pointer.x + 12) + "px";
    tip.style.top = (pointer.y + 12) + "px";
    tip.hidden = false;
  }
  function hideTip() { tip.hidden = true; }
  network.on("hoverNode", function (p) { showTip(byId.get(p.node).tip, p.pointer.DOM); });
  network.on("hoverEdge", function (p) {
    var e = kgData.edges[p.edge];
    if (e) { showTip(e.tip, p.pointer.DOM); }
  });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("selectNode", function (p) { text("kg-details", byId.get(p.nodes[0]).tip); });
  network.on("deselectNode", function () { text("kg-details", "Click a node to see its details."); });

  // ---- search: select and focus a node by label
  var input = document.getElementById("kg-search-input");
  if (kgData.nodes.length <= 5000) {
    var datalist = document.getElementById("kg-labels");
    Array.from(new Set(kgData.nodes.map(function (n) { return n.label; }))).sort()
      .forEach(function (label) {
        var option = document.createElement("option");
        option.value = label;
        datalist.appendChild(option);
      });
  }
  var lastQuery = "", lastIndex = -1;
  function matches(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var exact = [], partial = [];
    kgData.nodes.forEach(function (n) {
      var label = n.label.toLowerCase(), full = n.tip.split("\n")[0].toLowerCase();
      if (label === q || full === q) { exact.push(n.id); }
      else if (label.indexOf(q) >= 0 || full.indexOf(q) >= 0) { partial.push(n.id); }
    });
    return exact.concat(partial);
  }
  document.getElementById("kg-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var found = matches(input.value);
    if (!found.length) { text("kg-search-status", "No match"); return; }
    // Submitting the same text again steps to the next match.
    lastIndex = input.value === lastQuery ? (lastIndex + 1) % found.length : 0;
    lastQuery = input.value;
    var id = found[lastIndex];
    network.selectNodes([id]);
    network.focus(id, { scale: 1.4, animation: { duration: 400 } });
    text("kg-details", byId.get(id).tip);
    text("kg-search-status", found.length > 1 ? (lastIndex + 1) + " of " + found.length : "");
  });
})();

/* neurokg graph views (knowledge graph, citation graph, concept map).
 *
 * Reads the graph from the JSON in #kg-data (written by kg.export.html). Every text that
 * came from a paper or an API reaches the page through textContent, createTextNode or the
 * canvas, never innerHTML, so a title such as "<script>alert(1)</script>" stays inert text.
 * Links are only ever https: URLs built in Python.
 */
"use strict";

// The vis.Network instance, global as in pyvis, so consoles and browser tests can reach it.
var network = null;
// Milliseconds since navigation start at each step of building the page (for benchmarks).
var kgTimings = { start: performance.now() };
var kgData = JSON.parse(document.getElementById("kg-data").textContent);
kgTimings.parsed = performance.now();
// Set to true once the first frame is drawn and the page answers to input.
window.kgReady = false;

(function () {
  var byId = new Map(), byRef = new Map();
  kgData.nodes.forEach(function (n) { byId.set(n.id, n); byRef.set(n.ref, n); });
  var papers = kgData.papers || {}, concepts = kgData.concepts || {};

  function text(id, value) { document.getElementById(id).textContent = value; }
  function el(tag, value, className) {
    var node = document.createElement(tag);
    if (value !== undefined && value !== null) { node.textContent = String(value); }
    if (className) { node.className = className; }
    return node;
  }

  // ---- legend, with a "colour by year" switch in the citation graph
  var groupColour = {};
  function drawLegend(items) {
    var legend = document.getElementById("kg-legend");
    legend.textContent = "";
    items.forEach(function (item) {
      var li = el("li");
      var swatch = el("span", null, "kg-swatch kg-" + item.shape);
      swatch.style.background = item.color;
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(item.name + (item.count !== undefined ? " (" + item.count + ")" : "")));
      legend.appendChild(li);
    });
  }
  drawLegend(kgData.legend);

  // ---- data: nodes and edges; tooltips are built on hover, not up front
  var groups = {};
  kgData.legend.forEach(function (item) {
    groupColour[item.group] = item.color;
    groups[item.group] = {
      shape: item.shape,
      color: { background: item.color, border: item.border,
               highlight: { background: item.color, border: "#000" },
               hover: { background: item.color, border: "#000" } },
    };
  });
  var nodes = new vis.DataSet(kgData.nodes.map(function (n) {
    var node = { id: n.id, label: n.label, group: n.group, value: n.size };
    if (n.shape) { node.shape = n.shape; }
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

  // ---- filters: node type, year range, minimum support; edge types
  var hiddenTypes = new Set(), hiddenEdges = new Set();
  kgData.edge_types.forEach(function (t) { if (!t.shown) { hiddenEdges.add(t.type); } });
  var yearMin = null, yearMax = null, supportMin = 0;
  function nodeShown(n) {
    if (hiddenTypes.has(n.type)) { return false; }
    if (n.support < supportMin) { return false; }
    if (n.year !== undefined && ((yearMin !== null && n.year < yearMin) || (yearMax !== null && n.year > yearMax))) {
      return false;
    }
    return true;
  }
  var visibleNodes = new vis.DataView(nodes, { filter: function (item) { return nodeShown(byId.get(item.id)); } });
  // Big graphs draw only the strongest kgData.edge_limit edges of the shown types, unless asked.
  var allowedEdges = null, drawAllEdges = false;
  function limitEdges() {
    allowedEdges = null;
    if (!kgData.edge_limit || drawAllEdges) { return; }
    var candidates = [];
    kgData.edges.forEach(function (e, i) { if (!hiddenEdges.has(e.type)) { candidates.push(i); } });
    if (candidates.length > kgData.edge_limit) {
      candidates.sort(function (a, b) { return kgData.edges[b].weight - kgData.edges[a].weight || a - b; });
      allowedEdges = new Set(candidates.slice(0, kgData.edge_limit));
    }
    text("kg-edge-status", allowedEdges ? "Drawing the " + kgData.edge_limit + " strongest of " +
         candidates.length + " edges." : "");
  }
  limitEdges();
  var visibleEdges = new vis.DataView(edges, { filter: function (e) {
    return !hiddenEdges.has(e.type) && (allowedEdges === null || allowedEdges.has(e.id));
  } });
  function refresh() {
    visibleNodes.refresh();
    limitEdges();
    visibleEdges.refresh();
    var shown = visibleNodes.length;
    text("kg-filter-status", shown === kgData.nodes.length ? "" : shown + " of " + kgData.nodes.length + " nodes shown");
  }

  function checkbox(list, labelText, checked, onChange) {
    var li = el("li"), label = el("label"), box = document.createElement("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); refresh(); });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + labelText));
    li.appendChild(label);
    list.appendChild(li);
    return box;
  }
  var typeList = document.getElementById("kg-type-filters");
  kgData.types.forEach(function (t) {
    var box = checkbox(typeList, t.name + " (" + t.count + ")", true, function (on) {
      if (on) { hiddenTypes.delete(t.type); } else { hiddenTypes.add(t.type); }
    });
    box.dataset.type = t.type;
  });
  var edgeList = document.getElementById("kg-edge-filters");
  kgData.edge_types.forEach(function (t) {
    checkbox(edgeList, t.label + " (" + t.count + ")", t.shown, function (on) {
      if (on) { hiddenEdges.delete(t.type); } else { hiddenEdges.add(t.type); }
    });
  });
  if (kgData.edge_limit) {
    var all = checkbox(edgeList, "draw every edge (slow)", false, function (on) { drawAllEdges = on; });
    all.id = "kg-all-edges";
  }
  function numberInput(id, onValue) {
    var input = document.getElementById(id);
    input.addEventListener("input", function () {
      var value = input.value === "" ? null : Number(input.value);
      onValue(value !== null && isFinite(value) ? value : null);
      refresh();
    });
    return input;
  }
  if (kgData.years) {
    document.getElementById("kg-year-filter").hidden = false;
    var minInput = numberInput("kg-year-min", function (v) { yearMin = v; });
    var maxInput = numberInput("kg-year-max", function (v) { yearMax = v; });
    minInput.min = maxInput.min = kgData.years[0];
    minInput.max = maxInput.max = kgData.years[1];
    minInput.value = kgData.years[0];
    maxInput.value = kgData.years[1];
  }
  text("kg-support-name", kgData.support_name + " ");
  numberInput("kg-support-min", function (v) { supportMin = v === null ? 0 : v; });

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
          // Fewer iterations for bigger graphs: the first frame waits for them (~15 ms each
          // at 500 nodes), and 200 give much the same picture as 500 there.
          stabilization: { enabled: true, updateInterval: 25,
                           iterations: Math.max(150, Math.min(500, Math.round(100000 / kgData.nodes.length))) } }
      : { enabled: false },
    layout: { improvedLayout: kgData.nodes.length <= 200 },
  };
  kgTimings.datasets = performance.now();
  network = new vis.Network(container, { nodes: visibleNodes, edges: visibleEdges }, options);
  kgTimings.network = performance.now();
  network.once("afterDrawing", function () { kgTimings.drawn = performance.now(); window.kgReady = true; });

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

  // ---- colour by community or by year (citation graph)
  if (kgData.view === "citations" && kgData.years) {
    document.getElementById("kg-colour-by").hidden = false;
    var select = document.getElementById("kg-colour-select");
    select.addEventListener("change", function () { colourBy(select.value); });
  }
  function yearColour(year) {
    var span = Math.max(kgData.years[1] - kgData.years[0], 1);
    var t = (year - kgData.years[0]) / span;  // old papers blue, recent ones orange
    return "hsl(" + Math.round(220 - 190 * t) + ", 70%, " + Math.round(45 + 10 * t) + "%)";
  }
  function colourBy(mode) {
    var updates = kgData.nodes.map(function (n) {
      if (mode !== "year") { return { id: n.id, color: null }; }
      var c = n.year === undefined ? "#cccccc" : yearColour(n.year);
      return { id: n.id, color: { background: c, border: c, highlight: { background: c, border: "#000" } } };
    });
    nodes.update(updates);
    if (mode === "year") {
      var steps = [], y0 = kgData.years[0], y1 = kgData.years[1];
      for (var k = 0; k < 5; k++) {
        var y = Math.round(y0 + (y1 - y0) * k / 4);
        if (!steps.length || steps[steps.length - 1].name !== String(y)) {
          steps.push({ name: String(y), color: yearColour(y), shape: "dot" });
        }
      }
      steps.push({ name: "no year", color: "#cccccc", shape: "dot" });
      drawLegend(steps);
    } else {
      drawLegend(kgData.legend);
    }
  }

  // ---- hover tooltips, as plain text
  var tip = el("div", null, "kg-tip");
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

  // ---- the details panel: built with DOM calls only
  var details = document.getElementById("kg-details");
  function refLink(ref, label) {
    // A paper or concept named in a panel: a button that selects it (or shows it).
    var button = el("button", label, "kg-ref");
    button.type = "button";
    button.addEventListener("click", function () { showRef(ref, true); });
    return button;
  }
  function listOf(refs, labelOf, limit) {
    var ul = el("ul", null, "kg-refs");
    refs.slice(0, limit).forEach(function (ref) {
      var li = el("li");
      li.appendChild(refLink(ref, labelOf(ref)));
      ul.appendChild(li);
    });
    if (refs.length > limit) { ul.appendChild(el("li", "… and " + (refs.length - limit) + " more")); }
    return ul;
  }
  function paperLabel(ref) {
    var p = papers[ref];
    return p ? p.title + (p.year ? " (" + p.year + ")" : "") : ref;
  }
  function conceptLabel(ref) { return concepts[ref] ? concepts[ref].label : ref; }
  function showPaper(ref) {
    var p = papers[ref];
    details.textContent = "";
    details.appendChild(el("h3", p.title, "kg-paper-title"));
    var meta = [p.year, p.venue].filter(function (v) { return v; }).join(" · ");
    if (meta) { details.appendChild(el("p", meta, "kg-meta")); }
    if (p.stub) { details.appendChild(el("p", "Outside the corpus (cited or citing only).", "kg-hint")); }
    if (p.authors.length) { details.appendChild(el("p", p.authors.join("; "), "kg-authors")); }
    if (p.links.length) {
      var links = el("p", null, "kg-links");
      p.links.forEach(function (link, i) {
        if (!/^https:\/\//.test(link[1])) { return; }
        var a = el("a", link[0]);
        a.href = link[1];
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        if (i) { links.appendChild(document.createTextNode(" · ")); }
        links.appendChild(a);
      });
      details.appendChild(links);
    }
    if (p.concepts.length) {
      details.appendChild(el("h4", "Concepts (" + p.concepts.length + ")"));
      details.appendChild(listOf(p.concepts, conceptLabel, 50));
    }
    if (p.abstract.length) {
      details.appendChild(el("h4", "Abstract"));
      var abstract = el("p", null, "kg-abstract");
      p.abstract.forEach(function (piece) {
        if (piece[1] === null) { abstract.appendChild(document.createTextNode(piece[0])); return; }
        var mark = el("mark", piece[0]);
        var c = concepts[piece[1]];
        mark.title = c ? c.label + " (" + c.type + ")" : "mention not linked to a concept";
        if (c) { mark.dataset.type = c.type; }
        abstract.appendChild(mark);
      });
      details.appendChild(abstract);
    }
  }
  function showConcept(ref) {
    var c = concepts[ref];
    details.textContent = "";
    details.appendChild(el("h3", c.label, "kg-concept-title"));
    details.appendChild(el("p", c.type, "kg-meta"));
    if (c.synonyms.length) { details.appendChild(el("p", "Also: " + c.synonyms.join("; "), "kg-synonyms")); }
    details.appendChild(el("h4", "Papers (" + c.papers.length + ")"));
    details.appendChild(listOf(c.papers, paperLabel, 200));
  }
  var papersByAuthor = null;
  function showAuthor(node) {
    if (papersByAuthor === null) {  // built on the first click on an author
      papersByAuthor = new Map();
      Object.keys(papers).forEach(function (ref) {
        papers[ref].authors.forEach(function (name) {
          if (!papersByAuthor.has(name)) { papersByAuthor.set(name, []); }
          papersByAuthor.get(name).push(ref);
        });
      });
    }
    var name = node.tip.split("\n")[0], written = papersByAuthor.get(name) || [];
    details.textContent = "";
    details.appendChild(el("p", node.tip, "kg-tip-text"));
    details.appendChild(el("h4", "Papers (" + written.length + ")"));
    details.appendChild(listOf(written, paperLabel, 200));
  }
  function showRef(ref, focus) {
    var node = byRef.get(ref);
    if (papers[ref]) { showPaper(ref); }
    else if (concepts[ref]) { showConcept(ref); }
    else if (node && node.type === "author") { showAuthor(node); }
    else if (node) { details.textContent = ""; details.appendChild(el("p", node.tip, "kg-tip-text")); }
    if (focus && node && visibleNodes.get(node.id)) {
      network.selectNodes([node.id]);
      network.focus(node.id, { scale: 1.4, animation: { duration: 400 } });
    }
  }
  // For consoles and tests: show the panel of the node with this id.
  window.kgShowNode = function (id) { showRef(byId.get(id).ref, false); };
  network.on("selectNode", function (p) { window.kgShowNode(p.nodes[0]); });
  network.on("deselectNode", function () {
    details.textContent = "";
    details.appendChild(el("p", "Click a node to see its details.", "kg-hint"));
  });

  // ---- search: select and focus a node by label, title or synonym
  var input = document.getElementById("kg-search-input");
  var searchText = kgData.nodes.map(function (n) {
    var names = [n.label, n.tip.split("\n")[0]];
    var c = concepts[n.ref];
    if (c) { names = names.concat(c.synonyms); }
    return names.map(function (s) { return s.toLowerCase(); });
  });
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
    kgData.nodes.forEach(function (n, i) {
      var names = searchText[i];
      if (names.indexOf(q) >= 0) { exact.push(n.id); }
      else if (names.some(function (s) { return s.indexOf(q) >= 0; })) { partial.push(n.id); }
    });
    return exact.concat(partial);
  }
  window.kgFind = matches;
  document.getElementById("kg-search").addEventListener("submit", function (event) {
    event.preventDefault();
    var found = matches(input.value);
    if (!found.length) { text("kg-search-status", "No match"); return; }
    // Submitting the same text again steps to the next match.
    lastIndex = input.value === lastQuery ? (lastIndex + 1) % found.length : 0;
    lastQuery = input.value;
    var id = found[lastIndex];
    showRef(byId.get(id).ref, true);
    var count = found.length > 1 ? (lastIndex + 1) + " of " + found.length : "";
    text("kg-search-status", visibleNodes.get(id) ? count : (count + " (hidden by a filter)").trim());
  });
})();

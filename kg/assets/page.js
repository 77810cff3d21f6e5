/* The network page: filters, search, evidence panel on top of vis-network.
 *
 * Every piece of graph text reaches the DOM through textContent or a vis
 * title string (which vis writes with innerText), never through innerHTML,
 * so entity names and sentences cannot inject markup. Links are only made
 * for http(s) article URLs.
 */
(function () {
  "use strict";
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var ARTICLES = DATA.articles;
  var nodeById = new Map();
  var edgeById = new Map();
  var outEdges = new Map();
  var inEdges = new Map();
  var classInfo = new Map(DATA.classes.map(function (c) { return [c.name, c]; }));
  var relInfo = new Map(DATA.relations.map(function (r) { return [r.name, r]; }));
  var commInfo = new Map(DATA.communities.map(function (c) { return [c.id, c]; }));

  DATA.nodes.forEach(function (n) {
    n.dates = uniqueDates(n.articles);
    nodeById.set(n.id, n);
    outEdges.set(n.id, []);
    inEdges.set(n.id, []);
  });
  DATA.edges.forEach(function (e) {
    e.dates = uniqueDates(e.evidence.map(function (ev) { return ev.a; }));
    edgeById.set(e.id, e);
    outEdges.get(e.from).push(e);
    inEdges.get(e.to).push(e);
  });

  function uniqueDates(articleIndexes) {
    var seen = {};
    articleIndexes.forEach(function (i) {
      var art = ARTICLES[i];
      if (art && art[1]) { seen[art[1]] = true; }
    });
    return Object.keys(seen).sort();
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function normalize(name) {
    var text = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    text = text.replace(/&/g, " and ").replace(/[^0-9a-z]+/g, " ").trim();
    return text.indexOf("the ") === 0 ? text.slice(4) : text;
  }

  function formatAmount(amount, currency) {
    var value = Number(amount);
    if (!isFinite(value)) { return amount + (currency ? " " + currency : ""); }
    try {
      return new Intl.NumberFormat("en", { style: "currency", currency: currency || "EUR",
        maximumFractionDigits: 0 }).format(value);
    } catch (err) {
      return value.toLocaleString("en") + (currency ? " " + currency : "");
    }
  }

  function qualifiers(edge) {
    var parts = [];
    edge.evidence.forEach(function (ev) {
      if (ev.role) { parts.push(ev.role); }
      if (ev.amount) { parts.push(formatAmount(ev.amount, ev.currency)); }
    });
    return Array.from(new Set(parts));
  }

  function sourceText(ev) {
    var art = ARTICLES[ev.a] || ["", null, null];
    return (art[0] || "untitled article") + (art[1] ? " (" + art[1] + ")" : "");
  }

  /* ---- tooltips (plain text; vis writes them with innerText) ---- */
  function edgeTooltip(e) {
    var rel = relInfo.get(e.relation);
    var head = nodeById.get(e.from).label + "  \u2014" + rel.out + "\u2192  " + nodeById.get(e.to).label;
    var lines = [head + (e.hedged ? "  [planned]" : "")];
    var quals = qualifiers(e);
    if (quals.length) { lines.push(quals.join("; ")); }
    e.evidence.slice(0, 3).forEach(function (ev) {
      lines.push("\u201c" + ev.s + "\u201d\n   \u2014 " + sourceText(ev));
    });
    if (e.evidence.length > 3) { lines.push("\u2026 and " + (e.evidence.length - 3) + " more"); }
    return lines.join("\n");
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function nodeTooltip(n) {
    var lines = [n.label, (n.classes.length ? n.classes.join(", ") : "Entity") +
      " \u00b7 " + plural(n.articles.length, "article") + " \u00b7 " + plural(n.degree, "relation")];
    if (n.names.length) { lines.push("also: " + n.names.join(", ")); }
    return lines.join("\n");
  }

  var visNodes = DATA.vis.nodes.map(function (v) {
    v.title = nodeTooltip(nodeById.get(v.id));
    return v;
  });
  var visEdges = DATA.vis.edges.map(function (v) {
    v.title = edgeTooltip(edgeById.get(v.id));
    return v;
  });

  /* ---- filters ---- */
  var state = {
    classes: new Set(DATA.classes.map(function (c) { return c.name; })),
    relations: new Set(DATA.relations.map(function (r) { return r.name; })),
    from: "", to: "", undated: true, pinned: new Set()
  };
  var visibleNodes = new Set();

  function datesMatch(dates) {
    if (!state.from && !state.to) { return true; }
    if (!dates.length) { return state.undated; }
    return dates.some(function (d) {
      return (!state.from || d >= state.from) && (!state.to || d <= state.to);
    });
  }

  function computeVisible() {
    visibleNodes = new Set();
    DATA.nodes.forEach(function (n) {
      var classes = n.classes.length ? n.classes : ["Entity"];
      var ok = classes.some(function (c) { return state.classes.has(c); }) && datesMatch(n.dates);
      if (ok || state.pinned.has(n.id)) { visibleNodes.add(n.id); }
    });
  }

  function edgeVisible(e) {
    return state.relations.has(e.relation) && visibleNodes.has(e.from) &&
      visibleNodes.has(e.to) && datesMatch(e.dates);
  }

  computeVisible();
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var nodesView = new vis.DataView(nodes, { filter: function (v) { return visibleNodes.has(v.id); } });
  var edgesView = new vis.DataView(edges, {
    filter: function (v) { return edgeVisible(edgeById.get(v.id)); }
  });
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, DATA.vis.options);

  function refresh() {
    computeVisible();
    nodesView.refresh();
    edgesView.refresh();
  }

  function swatch(shape, color, size) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    svg.setAttribute("viewBox", "-10 -10 20 20");
    svg.setAttribute("class", "swatch");
    var shapeEl;
    var polys = {
      square: "-7,-7 7,-7 7,7 -7,7", diamond: "0,-9 9,0 0,9 -9,0",
      triangle: "0,-9 8,6 -8,6", triangleDown: "0,9 8,-6 -8,-6",
      hexagon: "8,0 4,7 -4,7 -8,0 -4,-7 4,-7",
      star: "0,-9 2.6,-3.2 8.6,-2.8 4,1.4 5.3,7.3 0,4.2 -5.3,7.3 -4,1.4 -8.6,-2.8 -2.6,-3.2",
      line: "-9,-1.5 9,-1.5 9,1.5 -9,1.5"
    };
    if (polys[shape]) {
      shapeEl = document.createElementNS(ns, "polygon");
      shapeEl.setAttribute("points", polys[shape]);
    } else {
      shapeEl = document.createElementNS(ns, "circle");
      shapeEl.setAttribute("r", "7.5");
    }
    shapeEl.setAttribute("fill", color);
    svg.appendChild(shapeEl);
    return svg;
  }

  function addToggle(list, key, item, shape, color) {
    var li = el("li");
    var label = el("label");
    var box = el("input", { type: "checkbox", "data-filter": key, value: item.name });
    box.checked = true;
    box.addEventListener("change", function () {
      var set = state[key];
      if (box.checked) { set.add(item.name); } else { set.delete(item.name); }
      refresh();
    });
    label.appendChild(box);
    label.appendChild(swatch(shape, color, 16));
    label.appendChild(el("span", null, item.label || item.name));
    li.appendChild(label);
    li.appendChild(el("span", { "class": "count" }, item.count));
    list.appendChild(li);
  }

  var classList = document.getElementById("class-filters");
  DATA.classes.forEach(function (c) { addToggle(classList, "classes", c, c.shape, c.color); });
  var relList = document.getElementById("relation-filters");
  DATA.relations.forEach(function (r) { addToggle(relList, "relations", r, "line", r.color); });
  if (DATA.communities.length) {
    document.getElementById("community-section").hidden = false;
    var commList = document.getElementById("community-legend");
    DATA.communities.forEach(function (c) {
      var li = el("li");
      li.appendChild(swatch("dot", c.color, 14));
      li.appendChild(el("span", { "class": "who", title: c.top.join(", ") }, c.top[0] || ""));
      li.appendChild(el("span", { "class": "count" }, c.size));
      commList.appendChild(li);
    });
  }
  document.getElementById("size-note").textContent = DATA.sizeNote;

  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");
  var keepUndated = document.getElementById("keep-undated");
  if (DATA.dateRange) {
    [dateFrom, dateTo].forEach(function (input) {
      input.min = DATA.dateRange[0];
      input.max = DATA.dateRange[1];
    });
  }
  function onDates() {
    state.from = dateFrom.value;
    state.to = dateTo.value;
    state.undated = keepUndated.checked;
    refresh();
  }
  [dateFrom, dateTo, keepUndated].forEach(function (input) {
    input.addEventListener("change", onDates);
  });

  /* ---- panel ---- */
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");
  document.getElementById("panel-close").addEventListener("click", function () {
    panel.hidden = true;
    network.unselectAll();
  });

  function otherButton(id) {
    var n = nodeById.get(id);
    var button = el("button", { type: "button", "class": "other" }, n.label);
    button.addEventListener("click", function () { focusNode(id); });
    return button;
  }

  function evidenceList(edge) {
    var ul = el("ul", { "class": "evidence" });
    edge.evidence.forEach(function (ev) {
      var li = el("li");
      li.appendChild(el("p", { "class": "sentence" }, "\u201c" + ev.s + "\u201d"));
      var src = el("div", { "class": "source" });
      var art = ARTICLES[ev.a] || ["", null, null];
      var url = safeUrl(art[2]);
      var title = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, art[0])
        : el("span", null, art[0] || "untitled article");
      src.appendChild(title);
      if (art[1]) { src.appendChild(document.createTextNode(" \u00b7 " + art[1])); }
      var how = [];
      if (ev.r) { how.push("rule " + ev.r); }
      if (ev.c !== undefined && ev.c !== null) { how.push("confidence " + ev.c); }
      if (how.length) { src.appendChild(el("span", { "class": "muted" }, " \u00b7 " + how.join(", "))); }
      li.appendChild(src);
      ul.appendChild(li);
    });
    if (!edge.evidence.length) { ul.appendChild(el("li", { "class": "muted" }, "no evidence sentence stored")); }
    return ul;
  }

  function relationItem(edge, otherId) {
    var li = el("li");
    li.appendChild(otherButton(otherId));
    var quals = qualifiers(edge);
    if (quals.length) { li.appendChild(el("span", { "class": "qual" }, quals.join("; "))); }
    if (edge.hedged) { li.appendChild(el("span", { "class": "planned" }, "planned")); }
    li.appendChild(evidenceList(edge));
    return li;
  }

  function relationGroups(id) {
    var frag = document.createDocumentFragment();
    DATA.relations.forEach(function (rel) {
      [["out", outEdges.get(id), "to"], ["in", inEdges.get(id), "from"]].forEach(function (dir) {
        var list = dir[1].filter(function (e) { return e.relation === rel.name; });
        if (!list.length) { return; }
        var heading = dir[0] === "out" ? rel.out + " \u2192" : "\u2190 " + rel["in"];
        frag.appendChild(el("h3", { "data-relation": rel.name }, heading + " (" + list.length + ")"));
        var ul = el("ul", { "class": "rel" });
        list.forEach(function (e) { ul.appendChild(relationItem(e, e[dir[2]])); });
        frag.appendChild(ul);
      });
    });
    return frag;
  }

  function chips(classes) {
    var div = el("div", { "class": "chips" });
    (classes.length ? classes : ["Entity"]).forEach(function (c) {
      var info = classInfo.get(c);
      var chip = el("span", { "class": "chip" }, c);
      chip.style.background = info ? info.color : "#888";
      div.appendChild(chip);
    });
    return div;
  }

  function showNode(id) {
    var n = nodeById.get(id);
    panelBody.replaceChildren();
    panelBody.setAttribute("data-node", String(id));
    panelBody.appendChild(el("h2", null, n.label));
    panelBody.appendChild(chips(n.classes));
    panelBody.appendChild(el("h3", null, "Names"));
    var names = el("ul", { "class": "names" });
    [n.label].concat(n.names).forEach(function (name) { names.appendChild(el("li", null, name)); });
    panelBody.appendChild(names);
    var facts = [plural(n.degree, "relation"), plural(n.articles.length, "article")];
    if (n.betweenness !== null) { facts.push("betweenness " + n.betweenness.toFixed(3)); }
    if (n.community !== null && commInfo.has(n.community)) { facts.push("community " + (n.community + 1)); }
    panelBody.appendChild(el("p", { "class": "muted" }, facts.join(" \u00b7 ")));
    // Served by `kg serve`, the IRI opens the entity's page there; from disk, the IRI itself.
    var served = /^https?:$/.test(location.protocol);
    var href = served ? n.iri.replace(/^https:\/\/w3id\.org\/cluster-kg\/id\//, "/id/") : n.iri;
    var iriLine = el("p", { "class": "muted" });
    iriLine.appendChild(el("a", { href: href, "class": "iri" }, n.iri));
    panelBody.appendChild(iriLine);
    panelBody.appendChild(relationGroups(id));
    var arts = el("details");
    arts.appendChild(el("summary", null, "Mentioned in " + plural(n.articles.length, "article")));
    var ul = el("ul", { "class": "names" });
    n.articles.forEach(function (i) {
      var art = ARTICLES[i];
      var li = el("li");
      var url = safeUrl(art[2]);
      li.appendChild(url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, art[0])
        : el("span", null, art[0] || "untitled article"));
      if (art[1]) { li.appendChild(document.createTextNode(" \u00b7 " + art[1])); }
      ul.appendChild(li);
    });
    arts.appendChild(ul);
    panelBody.appendChild(arts);
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  function showEdge(id) {
    var e = edgeById.get(id);
    var rel = relInfo.get(e.relation);
    panelBody.replaceChildren();
    panelBody.setAttribute("data-edge", String(id));
    panelBody.removeAttribute("data-node");
    panelBody.appendChild(el("h2", null, rel.out));
    var p = el("p");
    p.appendChild(otherButton(e.from));
    p.appendChild(document.createTextNode(" \u2192 " + rel.out + " \u2192 "));
    p.appendChild(otherButton(e.to));
    panelBody.appendChild(p);
    var quals = qualifiers(e);
    if (quals.length) { panelBody.appendChild(el("p", { "class": "qual" }, quals.join("; "))); }
    panelBody.appendChild(el("h3", null, "Evidence (" + e.evidence.length + ")"));
    panelBody.appendChild(evidenceList(e));
    panel.hidden = false;
  }

  function focusNode(id) {
    if (!visibleNodes.has(id)) {
      state.pinned.add(id);
      refresh();
    }
    // Open the panel first: it narrows the map, and vis must know the new
    // size before centring, or the node ends up under the panel.
    showNode(id);
    network.setSize("100%", "100%");
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0),
      animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  }

  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
  });

  /* ---- search ---- */
  var index = [];
  DATA.nodes.forEach(function (n) {
    [n.label].concat(n.names).forEach(function (name) { index.push([normalize(name), name, n.id]); });
  });
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var current = [];

  function findMatches(query) {
    var q = normalize(query);
    if (!q) { return []; }
    var ranked = [];
    index.forEach(function (row) {
      var pos = row[0].indexOf(q);
      if (pos < 0) { return; }
      var rank = row[0] === q ? 0 : (pos === 0 ? 1 : 2);
      ranked.push([rank, row[0].length, row[1], row[2]]);
    });
    ranked.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    });
    var seen = new Set();
    var out = [];
    ranked.forEach(function (r) {
      if (seen.has(r[3]) || out.length >= 12) { return; }
      seen.add(r[3]);
      out.push({ id: r[3], name: r[2] });
    });
    return out;
  }

  function choose(match) {
    results.hidden = true;
    search.value = nodeById.get(match.id).label;
    focusNode(match.id);
  }

  search.addEventListener("input", function () {
    current = findMatches(search.value);
    results.replaceChildren();
    current.forEach(function (m, i) {
      var n = nodeById.get(m.id);
      var li = el("li");
      var button = el("button", { type: "button", "data-node": String(m.id) });
      if (i === 0) { button.className = "active"; }
      button.appendChild(el("span", null, n.label));
      if (m.name !== n.label) { button.appendChild(el("span", { "class": "alias" }, "  (" + m.name + ")")); }
      button.appendChild(el("span", { "class": "cls" }, "  " + (n.classes.join(", ") || "Entity")));
      button.addEventListener("click", function () { choose(m); });
      li.appendChild(button);
      results.appendChild(li);
    });
    if (!current.length && search.value.trim()) {
      results.appendChild(el("li", { "class": "muted" }, "no entity has that name"));
    }
    results.hidden = !search.value.trim();
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && current.length) { ev.preventDefault(); choose(current[0]); }
    if (ev.key === "Escape") { results.hidden = true; }
  });

  document.getElementById("reset").addEventListener("click", function () {
    state.classes = new Set(DATA.classes.map(function (c) { return c.name; }));
    state.relations = new Set(DATA.relations.map(function (r) { return r.name; }));
    state.pinned = new Set();
    document.querySelectorAll("input[data-filter]").forEach(function (b) { b.checked = true; });
    dateFrom.value = "";
    dateTo.value = "";
    keepUndated.checked = true;
    onDates();
    network.unselectAll();
    panel.hidden = true;
    network.fit();
  });

  /* ---- timing and hooks for tests and the benchmark ---- */
  var timing = { script: t0, network: performance.now(), firstDraw: null, stabilized: null };
  network.once("afterDrawing", function () { timing.firstDraw = performance.now(); });
  network.once("stabilized", function () { timing.stabilized = performance.now(); });
  if (DATA.focus.length) {
    network.once("afterDrawing", function () {
      network.selectNodes(DATA.focus);
      showNode(DATA.focus[0]);
    });
  }
  // Entity pages of `kg serve` link here as /network?focus=IRI: show that node.
  var wanted = new URLSearchParams(location.search).get("focus");
  var wantedNode = wanted ? DATA.nodes.find(function (n) { return n.iri === wanted; }) : null;
  if (wantedNode) {
    network.once("afterDrawing", function () { focusNode(wantedNode.id); });
  }
  window.kgPage = {
    network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
    timing: timing, focusNode: focusNode, findMatches: findMatches, state: state, refresh: refresh
  };
}());

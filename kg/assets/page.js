/* The network page: views, filters, search, selection and the evidence panel on top of vis-network.
 *
 * Every piece of graph text reaches the DOM through textContent or a vis
 * title string (which vis writes with innerText), never through innerHTML,
 * so entity names and sentences cannot inject markup. Links are only made
 * for http(s) article URLs.
 *
 * What is shown is decided here, from the whole graph the page carries:
 * classes and relations switched on, the article-date range, and whether
 * entities left without a visible link are shown. Every change recounts the
 * header, re-lays out what remains (bounded physics from the current
 * positions, then physics off again) and is written to the URL fragment, so
 * a view can be shared by its address.
 */
(function () {
  "use strict";
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var ARTICLES = DATA.articles;
  var SHARED = "sharesWith";
  /* Re-layout budget: node-iterations of vis physics per filter change, so a
   * small view polishes for long; a view that would get fewer than the
   * minimum (above 2,500 entities) keeps its precomputed positions, because
   * there physics costs seconds and a few steps change nothing. */
  var RELAYOUT_BUDGET = 100000;
  var RELAYOUT_MAX_ITERATIONS = 150;
  var RELAYOUT_MIN_ITERATIONS = 40;
  /* ... and a wall-clock cap, so a busy or slow machine never waits longer. */
  var RELAYOUT_MAX_MS = 1500;
  var DIM_NODE = 0.12;
  var DIM_EDGE = 0.07;
  var nodeById = new Map();
  var edgeById = new Map();
  var outEdges = new Map();
  var inEdges = new Map();
  var classInfo = new Map(DATA.classes.map(function (c) { return [c.name, c]; }));
  var relInfo = new Map(DATA.relations.map(function (r) { return [r.name, r]; }));
  var commInfo = new Map(DATA.communities.map(function (c) { return [c.id, c]; }));
  var nodeByIri = new Map();
  /* Views by name: the network, and others registered later (the money view). */
  var views = new Map([["network", { label: "Who works with whom" }]]);

  DATA.nodes.forEach(function (n) {
    n.dates = uniqueDates(n.articles);
    nodeById.set(n.id, n);
    nodeByIri.set(n.iri, n);
    outEdges.set(n.id, []);
    inEdges.set(n.id, []);
  });
  DATA.edges.forEach(function (e) {
    e.dates = uniqueDates(e.relation === SHARED ? e.arts : e.evidence.map(function (ev) { return ev.a; }));
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

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  function entities(count) {
    return count + (count === 1 ? " entity" : " entities");
  }

  function viaLabels(e) {
    return e.via.map(function (id) { return nodeById.get(id).label; });
  }

  /* ---- tooltips (plain text; vis writes them with innerText) ---- */
  function edgeTooltip(e) {
    if (e.relation === SHARED) {
      return nodeById.get(e.from).label + "  \u2014  " + nodeById.get(e.to).label +
        "\nshare: " + viaLabels(e).join(", ");
    }
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

  function nodeTooltip(n) {
    var lines = [n.label, (n.classes.length ? n.classes.join(", ") : "Entity") +
      " \u00b7 " + plural(n.articles.length, "article") + " \u00b7 " + plural(n.degree, "relation")];
    if (n.names.length) { lines.push("also: " + n.names.join(", ")); }
    return lines.join("\n");
  }

  var baseEdgeColor = new Map();
  var openingXY = new Map(DATA.vis.nodes.map(function (v) { return [v.id, [v.x, v.y]]; }));
  var visNodes = DATA.vis.nodes.map(function (v) {
    v.title = nodeTooltip(nodeById.get(v.id));
    return v;
  });
  var visEdges = DATA.vis.edges.map(function (v) {
    v.title = edgeTooltip(edgeById.get(v.id));
    baseEdgeColor.set(v.id, typeof v.color === "string" ? { color: v.color, opacity: 1 } : v.color);
    return v;
  });

  /* ---- what is shown ---- */
  function defaultClasses() {
    return new Set(DATA.classes.filter(function (c) { return c.on; }).map(function (c) { return c.name; }));
  }
  function allRelations() {
    return new Set(DATA.relations.map(function (r) { return r.name; }));
  }
  var state = {
    classes: defaultClasses(), relations: allRelations(),
    from: "", to: "", undated: true, edgeless: false, pinned: new Set(), selected: null,
    view: "network"
  };
  var dimmed = { nodes: [], edges: [], near: null };
  var candidates = new Set();
  var visibleNodes = new Set();
  var visibleEdges = new Set();
  var counts = { edgelessHidden: 0, undated: 0, relations: 0, shared: 0, articles: 0 };

  function dateFiltered() { return Boolean(state.from || state.to); }

  function datesMatch(dates) {
    if (!dateFiltered()) { return true; }
    if (!dates.length) { return state.undated; }
    return dates.some(function (d) {
      return (!state.from || d >= state.from) && (!state.to || d <= state.to);
    });
  }

  function classOn(n) {
    var classes = n.classes.length ? n.classes : ["Entity"];
    return classes.some(function (c) { return state.classes.has(c); });
  }

  function currentView() { return views.get(state.view) || views.get("network"); }

  function computeVisible() {
    var view = currentView();
    candidates = new Set();
    DATA.nodes.forEach(function (n) {
      var ok = classOn(n) && datesMatch(n.dates) && (!view.nodeFilter || view.nodeFilter(n));
      if (ok || state.pinned.has(n.id)) { candidates.add(n.id); }
    });
    visibleEdges = new Set();
    var linked = new Set();
    var undated = 0;
    var relations = 0;
    var shared = 0;
    DATA.edges.forEach(function (e) {
      if (!state.relations.has(e.relation) || !candidates.has(e.from) || !candidates.has(e.to)) { return; }
      if (view.edgeFilter && !view.edgeFilter(e)) { return; }
      if (!e.dates.length) { undated += 1; }
      if (!datesMatch(e.dates)) { return; }
      visibleEdges.add(e.id);
      linked.add(e.from);
      linked.add(e.to);
      if (e.relation === SHARED) { shared += 1; } else { relations += 1; }
    });
    visibleNodes = new Set();
    candidates.forEach(function (id) {
      if (state.edgeless || linked.has(id) || state.pinned.has(id) || id === state.selected) {
        visibleNodes.add(id);
      }
    });
    var arts = new Set();
    visibleEdges.forEach(function (id) {
      var e = edgeById.get(id);
      (e.relation === SHARED ? e.arts : e.evidence.map(function (ev) { return ev.a; }))
        .forEach(function (a) { arts.add(a); });
    });
    visibleNodes.forEach(function (id) {
      nodeById.get(id).articles.forEach(function (a) { arts.add(a); });
    });
    counts = {
      edgelessHidden: candidates.size - visibleNodes.size, undated: undated,
      relations: relations, shared: shared, articles: arts.size
    };
  }

  var TOTAL_RELATIONS = DATA.edges.filter(function (e) { return e.relation !== SHARED; }).length;

  function updateCounts() {
    var text = visibleNodes.size + " of " + entities(DATA.nodes.length) +
      " \u00b7 " + counts.relations + " of " + plural(TOTAL_RELATIONS, "relation") +
      (counts.shared ? " \u00b7 " + plural(counts.shared, "shared link") : "") +
      " \u00b7 " + plural(counts.articles, "article");
    summaryEl.textContent = text;
    summaryEl.setAttribute("data-nodes", String(visibleNodes.size));
    summaryEl.setAttribute("data-relations", String(counts.relations));
    summaryEl.setAttribute("data-shared", String(counts.shared));
    if (counts.edgelessHidden && !state.edgeless) {
      edgelessButton.hidden = false;
      edgelessButton.textContent = entities(counts.edgelessHidden) +
        " without a visible link hidden \u00b7 show";
    } else {
      edgelessButton.hidden = true;
    }
    edgelessBox.checked = state.edgeless;
    undatedNote.textContent = counts.undated
      ? plural(counts.undated, "fact") + " without an article date " +
        (dateFiltered() ? (state.undated ? "(kept)" : "(hidden)") : "")
      : "every fact has an article date";
  }

  computeVisible();
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var nodesView = new vis.DataView(nodes, { filter: function (v) { return visibleNodes.has(v.id); } });
  var edgesView = new vis.DataView(edges, { filter: function (v) { return visibleEdges.has(v.id); } });
  var container = document.getElementById("network");
  var options = DATA.vis.options;
  var network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);
  var summaryEl = document.getElementById("summary");
  var edgelessButton = document.getElementById("show-edgeless");
  var edgelessBox = document.getElementById("keep-edgeless");
  var undatedNote = document.getElementById("undated-note");

  /* ---- labels: drawn here, most important first, never on top of each other ---- */
  var LABELS = DATA.labels;
  var labelFont = "system-ui, -apple-system, \"Segoe UI\", Roboto, sans-serif";
  var maxValue = 0;
  DATA.vis.nodes.forEach(function (v) { maxValue = Math.max(maxValue, v.value || 0); });
  var importance = new Map();
  DATA.vis.nodes.forEach(function (v) {
    importance.set(v.id, maxValue > 0 ? Math.sqrt(Math.max(0, v.value || 0) / maxValue) : 0);
  });
  var labelOrder = DATA.nodes.map(function (n) { return n.id; }).sort(function (a, b) {
    return importance.get(b) - importance.get(a) || a - b;
  });
  var widthAt1px = new Map();
  var labelsDrawn = 0;

  /* Screen px of a label at zoom `scale`: sized by importance at the
   * opening zoom, growing and shrinking (less than) with the zoom, capped. */
  function labelPx(id, scale) {
    var px = (LABELS.min + (LABELS.max - LABELS.min) * importance.get(id)) *
      Math.pow(scale / LABELS.scale, 0.6);
    return Math.min(px, LABELS.cap);
  }

  function textWidth(ctx, id) {
    var w = widthAt1px.get(id);
    if (w === undefined) {
      ctx.font = "100px " + labelFont;
      w = ctx.measureText(nodeById.get(id).label).width / 100;
      widthAt1px.set(id, w);
    }
    return w;
  }

  function drawLabels(ctx) {
    var scale = network.getScale();
    var bodyNodes = network.body.nodes;
    var placed = [];
    var cell = 120;
    var grid = new Map();
    function free(x0, y0, x1, y1) {
      for (var gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx += 1) {
        for (var gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy += 1) {
          var list = grid.get(gx + ":" + gy);
          if (!list) { continue; }
          for (var i = 0; i < list.length; i += 1) {
            var b = list[i];
            if (x0 < b[2] && x1 > b[0] && y0 < b[3] && y1 > b[1]) { return false; }
          }
        }
      }
      return true;
    }
    function take(box) {
      placed.push(box);
      for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx += 1) {
        for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy += 1) {
          var key = gx + ":" + gy;
          if (!grid.has(key)) { grid.set(key, []); }
          grid.get(key).push(box);
        }
      }
    }
    var near = dimmed.near;
    var order = near ? Array.from(near).concat(labelOrder) : labelOrder;
    var done = new Set();
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    var ratio = window.devicePixelRatio || 1;
    order.forEach(function (id) {
      if (done.has(id) || !visibleNodes.has(id)) { return; }
      done.add(id);
      var focused = near && near.has(id);
      var px = labelPx(id, scale);
      if (focused) { px = Math.max(px, 11); }
      var mustShow = id === state.selected;
      if (px < LABELS.threshold) { return; }
      var node = bodyNodes[id];
      if (!node) { return; }
      var dom = network.canvasToDOM({ x: node.x, y: node.y + (node.shape.radius || node.options.size || 10) });
      var w = textWidth(ctx, id) * px;
      var box = [dom.x - w / 2 - 2, dom.y + 1, dom.x + w / 2 + 2, dom.y + px * 1.25 + 1];
      if (!mustShow && !free(box[0], box[1], box[2], box[3])) { return; }
      if (box[2] < 0 || box[0] > ctx.canvas.width / ratio || box[3] < 0 || box[1] > ctx.canvas.height / ratio) {
        return;
      }
      take(box);
      ctx.globalAlpha = near && !focused ? 0.3 : 1;
      ctx.font = (focused && id === state.selected ? "600 " : "") + (px * ratio).toFixed(1) + "px " + labelFont;
      ctx.lineWidth = 3 * ratio;
      ctx.strokeStyle = "#ffffff";
      ctx.fillStyle = "#1f2328";
      var label = nodeById.get(id).label;
      ctx.strokeText(label, dom.x * ratio, (dom.y + 2) * ratio);
      ctx.fillText(label, dom.x * ratio, (dom.y + 2) * ratio);
    });
    ctx.restore();
    labelsDrawn = placed.length;
  }

  network.on("afterDrawing", drawLabels);

  /* ---- layout ---- */
  var timing = { script: t0, network: performance.now(), firstDraw: null, stabilized: null,
    relayouts: 0, relayoutStart: null, relayoutEnd: null };
  var relayouting = false;
  var relayoutAgain = false;

  function largestComponent() {
    var adj = new Map();
    visibleNodes.forEach(function (id) { adj.set(id, []); });
    visibleEdges.forEach(function (id) {
      var e = edgeById.get(id);
      adj.get(e.from).push(e.to);
      adj.get(e.to).push(e.from);
    });
    var seen = new Set();
    var best = [];
    adj.forEach(function (_, start) {
      if (seen.has(start)) { return; }
      var comp = [start];
      seen.add(start);
      for (var i = 0; i < comp.length; i += 1) {
        adj.get(comp[i]).forEach(function (m) {
          if (!seen.has(m)) { seen.add(m); comp.push(m); }
        });
      }
      if (comp.length > best.length) { best = comp; }
    });
    return best;
  }

  /* The opening zoom: the largest component when it is a real part of the
   * view, so its labels can be read; everything otherwise. */
  function fitDefault(animate) {
    var main = largestComponent();
    var how = animate ? { animation: { duration: 300, easingFunction: "easeInOutQuad" } } : { animation: false };
    if (main.length >= 2 && main.length * 2 >= visibleNodes.size) { how.nodes = main; }
    network.fit(how);
  }

  function settled() {
    relayouting = false;
    network.setOptions({ physics: { enabled: false } });
    if (relayoutAgain) {
      relayoutAgain = false;
      relayout();
      return;
    }
    timing.relayoutEnd = performance.now();
    if (timing.stabilized === null) { timing.stabilized = timing.relayoutEnd; }
    if (state.selected !== null && visibleNodes.has(state.selected)) {
      network.focus(state.selected, { scale: Math.max(network.getScale(), 0.8), animation: false });
    } else {
      fitDefault(false);
    }
  }

  function relayout() {
    relayoutPending = false;
    // One bounded run at a time: a second stabilize() would interleave with
    // the first one's batches. The change is picked up when it ends.
    if (relayouting) {
      relayoutAgain = true;
      return;
    }
    timing.relayouts += 1;
    timing.relayoutStart = performance.now();
    timing.relayoutEnd = null;
    if (isDefaultView() && state.pinned.size === 0) {
      // Back to the opening view: back to its precomputed layout, not a drifted one.
      // Straight into vis' body: a DataSet update with unchanged x/y is no change to vis.
      var body = network.body.nodes;
      openingXY.forEach(function (xy, id) {
        if (body[id]) { body[id].x = xy[0]; body[id].y = xy[1]; }
      });
      settled();
      return;
    }
    var n = visibleNodes.size;
    var iterations = Math.min(RELAYOUT_MAX_ITERATIONS, Math.floor(RELAYOUT_BUDGET / Math.max(n, 1)));
    if (n < 2 || iterations < RELAYOUT_MIN_ITERATIONS) { settled(); return; }
    relayouting = true;
    network.setOptions({ physics: DATA.relayout });
    network.stabilize(iterations);
    var run = timing.relayouts;
    setTimeout(function () {
      // Ends vis' stabilisation loop early; it then reports its iterations done.
      if (relayouting && timing.relayouts === run) { network.stopSimulation(); }
    }, RELAYOUT_MAX_MS);
  }
  // Not "stabilized": after its iterations vis keeps simulating until every
  // node is nearly still, which is what kept a 400-node page moving for 15 s.
  network.on("stabilizationIterationsDone", function () { if (relayouting) { settled(); } });

  var relayoutTimer = null;
  var relayoutPending = false;

  function refresh(layout) {
    computeVisible();
    nodesView.refresh();
    edgesView.refresh();
    updateCounts();
    if (state.selected !== null) {
      if (visibleNodes.has(state.selected)) { highlight(state.selected); } else { clearSelection(); }
    }
    // Several changes in a row (a script, a fast reader) re-lay out once.
    if (layout !== false) {
      clearTimeout(relayoutTimer);
      relayoutPending = true;
      timing.relayoutEnd = null;
      relayoutTimer = setTimeout(relayout, 30);
    }
    writeHash();
  }

  /* ---- legend and filters ---- */
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
    box.checked = state[key].has(item.name);
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

  function syncBoxes() {
    document.querySelectorAll("input[data-filter]").forEach(function (b) {
      b.checked = state[b.getAttribute("data-filter")].has(b.value);
    });
    dateFrom.value = state.from;
    dateTo.value = state.to;
    keepUndated.checked = state.undated;
    edgelessBox.checked = state.edgeless;
  }

  var classList = document.getElementById("class-filters");
  var layerList = document.getElementById("layer-filters");
  DATA.classes.forEach(function (c) {
    addToggle(c.layer ? layerList : classList, "classes", c, c.shape, c.color);
  });
  var relList = document.getElementById("relation-filters");
  DATA.relations.forEach(function (r) { addToggle(relList, "relations", r, r.shape || "line", r.color); });
  if (DATA.communities.length) {
    document.getElementById("community-section").hidden = false;
    var commList = document.getElementById("community-legend");
    DATA.communities.forEach(function (c) {
      var li = el("li");
      li.appendChild(swatch("dot", c.color, 14));
      li.appendChild(el("span", { "class": "who", title: c.top.join(", ") }, c.name));
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
  edgelessBox.addEventListener("change", function () {
    state.edgeless = edgelessBox.checked;
    refresh();
  });
  edgelessButton.addEventListener("click", function () {
    state.edgeless = true;
    refresh();
  });

  /* ---- panel ---- */
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");
  document.getElementById("panel-close").addEventListener("click", function () { clearSelection(); });

  function otherButton(id) {
    var n = nodeById.get(id);
    var button = el("button", { type: "button", "class": "other" }, n.label);
    button.addEventListener("click", function () { select(id); });
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

  function viaLine(edge) {
    var p = el("p", { "class": "via" }, "via ");
    edge.via.forEach(function (id, i) {
      if (i) { p.appendChild(document.createTextNode(", ")); }
      p.appendChild(otherButton(id));
    });
    return p;
  }

  function relationItem(edge, otherId) {
    var li = el("li");
    li.appendChild(otherButton(otherId));
    if (edge.relation === SHARED) {
      li.appendChild(viaLine(edge));
      return li;
    }
    var quals = qualifiers(edge);
    if (quals.length) { li.appendChild(el("span", { "class": "qual" }, quals.join("; "))); }
    if (edge.hedged) { li.appendChild(el("span", { "class": "planned" }, "planned")); }
    li.appendChild(evidenceList(edge));
    return li;
  }

  function relationGroups(id) {
    var frag = document.createDocumentFragment();
    DATA.relations.forEach(function (rel) {
      var dirs = [["out", outEdges.get(id), "to"], ["in", inEdges.get(id), "from"]];
      if (rel.name === SHARED) {
        dirs = [["both", outEdges.get(id).concat(inEdges.get(id)), null]];
      }
      dirs.forEach(function (dir) {
        var list = dir[1].filter(function (e) { return e.relation === rel.name; });
        if (!list.length) { return; }
        var heading = dir[0] === "both" ? rel.out : dir[0] === "out" ? rel.out + " \u2192" : "\u2190 " + rel["in"];
        frag.appendChild(el("h3", { "data-relation": rel.name }, heading + " (" + list.length + ")"));
        var ul = el("ul", { "class": "rel" });
        list.forEach(function (e) {
          ul.appendChild(relationItem(e, dir[2] ? e[dir[2]] : (e.from === id ? e.to : e.from)));
        });
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

  /* Other helpers (entity pages, the money view) add sections to the panel
   * through this list: each is function(node, appendTo). */
  var panelSections = [];

  function showNode(id) {
    var n = nodeById.get(id);
    panelBody.replaceChildren();
    panelBody.setAttribute("data-node", String(id));
    panelBody.removeAttribute("data-edge");
    panelBody.appendChild(el("h2", null, n.label));
    panelBody.appendChild(chips(n.classes));
    panelBody.appendChild(el("h3", null, "Names"));
    var names = el("ul", { "class": "names" });
    [n.label].concat(n.names).forEach(function (name) { names.appendChild(el("li", null, name)); });
    panelBody.appendChild(names);
    var facts = [plural(n.degree, "relation"), plural(n.articles.length, "article")];
    if (n.betweenness !== null) { facts.push("betweenness " + n.betweenness.toFixed(3)); }
    if (n.community !== null && commInfo.has(n.community)) {
      facts.push("community of " + commInfo.get(n.community).name);
    }
    panelBody.appendChild(el("p", { "class": "muted" }, facts.join(" \u00b7 ")));
    // Served by `kg serve`, the IRI opens the entity's page there; from disk, the IRI itself.
    var served = /^https?:$/.test(location.protocol);
    var href = served ? n.iri.replace(/^https:\/\/w3id\.org\/cluster-kg\/id\//, "/id/") : n.iri;
    var iriLine = el("p", { "class": "muted" });
    iriLine.appendChild(el("a", { href: href, "class": "iri" }, n.iri));
    panelBody.appendChild(iriLine);
    panelSections.forEach(function (section) { section(n, panelBody); });
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
    p.appendChild(document.createTextNode(e.relation === SHARED ? " and " : " \u2192 " + rel.out + " \u2192 "));
    p.appendChild(otherButton(e.to));
    panelBody.appendChild(p);
    if (e.relation === SHARED) {
      panelBody.appendChild(viaLine(e));
      e.via.forEach(function (via) {
        [e.from, e.to].forEach(function (end) {
          outEdges.get(end).filter(function (x) { return x.to === via && x.relation !== SHARED; })
            .forEach(function (x) {
              panelBody.appendChild(el("h3", null, nodeById.get(end).label + " \u2192 " +
                relInfo.get(x.relation).out + " \u2192 " + nodeById.get(via).label));
              panelBody.appendChild(evidenceList(x));
            });
        });
      });
    } else {
      var quals = qualifiers(e);
      if (quals.length) { panelBody.appendChild(el("p", { "class": "qual" }, quals.join("; "))); }
      panelBody.appendChild(el("h3", null, "Evidence (" + e.evidence.length + ")"));
      panelBody.appendChild(evidenceList(e));
    }
    panel.hidden = false;
  }

  /* ---- selection: centre, highlight the neighbourhood, dim the rest ---- */
  function clearHighlight() {
    if (dimmed.nodes.length) {
      nodes.update(dimmed.nodes.map(function (id) { return { id: id, opacity: 1 }; }));
    }
    if (dimmed.edges.length) {
      edges.update(dimmed.edges.map(function (id) {
        return { id: id, color: baseEdgeColor.get(id) };
      }));
    }
    dimmed = { nodes: [], edges: [], near: null };
  }

  function highlight(id) {
    clearHighlight();
    var near = new Set([id]);
    var hot = new Set();
    outEdges.get(id).concat(inEdges.get(id)).forEach(function (e) {
      if (visibleEdges.has(e.id)) {
        hot.add(e.id);
        near.add(e.from);
        near.add(e.to);
      }
    });
    var dimNodes = [];
    visibleNodes.forEach(function (nid) { if (!near.has(nid)) { dimNodes.push(nid); } });
    var dimEdges = [];
    visibleEdges.forEach(function (eid) { if (!hot.has(eid)) { dimEdges.push(eid); } });
    nodes.update(dimNodes.map(function (nid) {
      return { id: nid, opacity: DIM_NODE };
    }));
    edges.update(dimEdges.map(function (eid) {
      var base = baseEdgeColor.get(eid);
      return { id: eid, color: { color: base.color, opacity: DIM_EDGE } };
    }));
    dimmed = { nodes: dimNodes, edges: dimEdges, near: near };
  }

  function select(id, how) {
    if (!nodeById.has(id)) { return; }
    state.selected = id;
    if (!visibleNodes.has(id)) {
      state.pinned.add(id);
      refresh(false);
    }
    // Open the panel first: it narrows the map, and vis must know the new
    // size before centring, or the node ends up under the panel.
    showNode(id);
    network.setSize("100%", "100%");
    network.selectNodes([id]);
    highlight(id);
    var animate = !(how && how.instant);
    network.focus(id, { scale: Math.max(network.getScale(), 0.8),
      animation: animate ? { duration: 400, easingFunction: "easeInOutQuad" } : false });
    writeHash();
  }

  function clearSelection() {
    state.selected = null;
    clearHighlight();
    network.unselectAll();
    panel.hidden = true;
    network.setSize("100%", "100%");
    writeHash();
  }

  network.on("click", function (params) {
    if (params.nodes.length) { select(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
    else { clearSelection(); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && document.activeElement !== search) { clearSelection(); }
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
    select(match.id);
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
    if (ev.key === "Escape") { results.hidden = true; search.blur(); }
  });

  /* ---- views: the network, and others registered by name (the money view) ---- */
  var viewSelect = document.getElementById("view-select");
  function registerView(name, spec) {
    views.set(name, spec);
    viewSelect.replaceChildren();
    views.forEach(function (v, key) { viewSelect.appendChild(el("option", { value: key }, v.label)); });
    viewSelect.value = state.view;
    viewSelect.hidden = views.size < 2;
  }
  function setView(name) {
    if (!views.has(name) || name === state.view) { return; }
    var old = currentView();
    if (old.leave) { old.leave(kgPage); }
    state.view = name;
    viewSelect.value = name;
    var spec = currentView();
    if (spec.enter) { spec.enter(kgPage); }
    refresh();
  }
  viewSelect.addEventListener("change", function () { setView(viewSelect.value); });
  registerView("network", { label: "Who works with whom" });

  /* ---- the page state in the URL fragment ---- */
  var lastHash = null;
  var DEFAULT_CLASSES = defaultClasses();
  var ALL_RELATIONS = allRelations();

  function sameSet(a, b) {
    if (a.size !== b.size) { return false; }
    var same = true;
    a.forEach(function (x) { if (!b.has(x)) { same = false; } });
    return same;
  }

  function encodeState() {
    var p = new URLSearchParams();
    if (state.view !== "network") { p.set("view", state.view); }
    if (!sameSet(state.classes, DEFAULT_CLASSES)) { p.set("classes", Array.from(state.classes).sort().join(",")); }
    if (!sameSet(state.relations, ALL_RELATIONS)) { p.set("relations", Array.from(state.relations).sort().join(",")); }
    if (state.from) { p.set("from", state.from); }
    if (state.to) { p.set("to", state.to); }
    if (!state.undated) { p.set("undated", "0"); }
    if (state.edgeless) { p.set("edgeless", "1"); }
    if (state.selected !== null) { p.set("focus", nodeById.get(state.selected).iri); }
    return p.toString();
  }

  function writeHash() {
    var text = encodeState();
    if (text === lastHash) { return; }
    lastHash = text;
    var url = location.href.split("#")[0] + (text ? "#" + text : "");
    try {
      history.replaceState(null, "", url);
    } catch (err) {
      location.replace(url);
    }
  }

  function isDefaultView() {
    return sameSet(state.classes, DEFAULT_CLASSES) && sameSet(state.relations, ALL_RELATIONS) &&
      !state.from && !state.to && !state.edgeless && state.view === "network";
  }

  function listParam(p, key, known, fallback) {
    if (!p.has(key)) { return new Set(fallback); }
    var wanted = p.get(key).split(",").filter(function (x) { return known.has(x); });
    return new Set(wanted);
  }

  function isDate(text) { return /^\d{4}-\d{2}-\d{2}$/.test(text || ""); }

  function applyHash() {
    var text = location.hash.replace(/^#/, "");
    var p = new URLSearchParams(text);
    var known = new Set(DATA.classes.map(function (c) { return c.name; }));
    state.classes = listParam(p, "classes", known, DEFAULT_CLASSES);
    state.relations = listParam(p, "relations", ALL_RELATIONS, ALL_RELATIONS);
    state.from = isDate(p.get("from")) ? p.get("from") : "";
    state.to = isDate(p.get("to")) ? p.get("to") : "";
    state.undated = p.get("undated") !== "0";
    state.edgeless = p.get("edgeless") === "1";
    var view = p.get("view");
    if (view && views.has(view) && view !== state.view) { setView(view); }
    var focus = p.has("focus") ? nodeByIri.get(p.get("focus")) : null;
    state.pinned = new Set();
    state.selected = null;
    clearHighlight();
    syncBoxes();
    lastHash = text;
    // The precomputed layout is the opening view's: only another view needs a new one.
    refresh(!isDefaultView());
    if (focus) { select(focus.id, { instant: true }); } else { panel.hidden = true; network.unselectAll(); }
  }
  window.addEventListener("hashchange", function () {
    if (location.hash.replace(/^#/, "") !== lastHash) { applyHash(); }
  });

  document.getElementById("reset").addEventListener("click", function () {
    state.classes = defaultClasses();
    state.relations = allRelations();
    state.pinned = new Set();
    state.from = "";
    state.to = "";
    state.undated = true;
    state.edgeless = false;
    clearSelection();
    syncBoxes();
    refresh();
  });

  /* ---- start: the precomputed layout is already settled ---- */
  updateCounts();
  network.once("afterDrawing", function () {
    timing.firstDraw = performance.now();
  });
  fitDefault(false);
  var startHash = location.hash.replace(/^#/, "");
  // Entity pages of `kg serve` link here as /network?focus=IRI: show that node.
  var wanted = new URLSearchParams(location.search).get("focus");
  var wantedNode = wanted ? nodeByIri.get(wanted) : null;
  if (startHash) {
    applyHash();
  } else if (wantedNode) {
    select(wantedNode.id, { instant: true });
  } else if (DATA.focus.length) {
    select(DATA.focus[0], { instant: true });
    network.selectNodes(DATA.focus);
  }
  if (!relayouting && !relayoutPending && timing.stabilized === null) {
    network.once("afterDrawing", function () { timing.stabilized = performance.now(); });
  }

  window.kgPage = {
    network: network, nodes: nodes, edges: edges, nodesView: nodesView, edgesView: edgesView,
    timing: timing, focusNode: select, select: select, clearSelection: clearSelection,
    findMatches: findMatches, state: state, refresh: refresh, counts: function () { return counts; },
    dimmed: function () { return { nodes: dimmed.nodes.length, edges: dimmed.edges.length }; },
    labelsDrawn: function () { return labelsDrawn; },
    registerView: registerView, setView: setView, panelSections: panelSections,
    visibleNodes: function () { return visibleNodes; }, visibleEdges: function () { return visibleEdges; },
    data: DATA, nodeById: nodeById, edgeById: edgeById
  };
}());

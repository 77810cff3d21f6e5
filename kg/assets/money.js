/* The money view of the network page: who gives money to whom, each funding event once.
 *
 * Funding edges (recipient -> funder, "funded by") are drawn with a width that grows
 * with the money of their events; every other relation is hidden while the view is on.
 * Clicking an entity or a funding line lists funding EVENTS, not edges: an amount given
 * jointly by two funders is one event shown once, with both funders, never split and
 * never added twice. Runs after page.js and uses its hook (window.kgPage).
 */
(function () {
  "use strict";
  var page = window.kgPage;
  var DATA = JSON.parse(document.getElementById("kg-data").textContent);
  var MONEY = DATA.money || [];
  if (!page || !MONEY.length) { return; }

  var label = new Map(DATA.nodes.map(function (n) { return [n.id, n.label]; }));
  var edgeInfo = new Map(DATA.edges.map(function (e) { return [e.id, e]; }));
  var panel = document.getElementById("panel");
  var panelBody = document.getElementById("panel-body");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function money(ev) {
    if (ev.amount === null) { return ev.text || "an amount without a number"; }
    var value = Number(ev.amount);
    var text;
    try {
      text = new Intl.NumberFormat("en", { style: "currency", currency: ev.currency || "EUR",
        maximumFractionDigits: 0 }).format(value);
    } catch (err) {
      text = value.toLocaleString("en") + " " + (ev.currency || "");
    }
    if (ev.upper !== null) { text += " \u2013 " + Number(ev.upper).toLocaleString("en"); }
    return text;
  }

  /* Events behind a funding edge: the edge's recipient is among the event's recipients,
     its funder among the event's funders. */
  function eventsOfEdge(e) {
    return MONEY.filter(function (ev) {
      return ev.recipients.indexOf(e.from) >= 0 && ev.funders.indexOf(e.to) >= 0;
    });
  }

  function eventsOfNode(id) {
    return MONEY.filter(function (ev) {
      return ev.recipients.indexOf(id) >= 0 || ev.funders.indexOf(id) >= 0;
    });
  }

  function names(ids) {
    return ids.map(function (id) { return label.get(id) || "?"; }).join(", ");
  }

  function eventItem(ev) {
    var li = el("li", { "class": "money-event" });
    var head = el("p", { "class": "qual" }, money(ev));
    li.appendChild(head);
    var notes = ev.qualifiers.slice();
    if (ev.joint) { notes.push("joint: not split between the parties"); }
    if (ev.share !== null) { notes.push("a share of a larger event"); }
    if (ev.round) { notes.push(ev.round + " round"); }
    if (ev.kind) { notes.push(ev.kind); }
    if (ev.hedged) { notes.push("planned or applied for"); }
    if (notes.length) { li.appendChild(el("p", { "class": "muted" }, notes.join(" \u00b7 "))); }
    li.appendChild(el("p", null, "from " + names(ev.funders) + " to " + names(ev.recipients)));
    var ul = el("ul", { "class": "evidence" });
    ev.evidence.forEach(function (item) {
      var art = DATA.articles[item.a] || ["", null, null];
      var row = el("li");
      row.appendChild(el("p", { "class": "sentence" }, "\u201c" + item.s + "\u201d"));
      row.appendChild(el("div", { "class": "source" },
        (art[0] || "untitled article") + (art[1] ? " \u00b7 " + art[1] : "")));
      ul.appendChild(row);
    });
    li.appendChild(ul);
    return li;
  }

  function showEvents(title, events) {
    panelBody.replaceChildren();
    panelBody.setAttribute("data-money", "true");
    panelBody.appendChild(el("h2", null, title));
    var counted = events.filter(function (ev) { return !ev.hedged && ev.share === null; });
    var totals = {};
    counted.forEach(function (ev) {
      if (ev.amount !== null) {
        totals[ev.currency] = (totals[ev.currency] || 0) + Number(ev.amount);
      }
    });
    var sums = Object.keys(totals).sort().map(function (c) {
      return money({ amount: totals[c], currency: c, upper: null });
    });
    panelBody.appendChild(el("p", { "class": "muted" }, events.length + " funding event" +
      (events.length === 1 ? "" : "s") + (sums.length ? "; each counted once: " + sums.join(", ") : "")));
    var ul = el("ul", { "class": "rel" });
    events.forEach(function (ev) { ul.appendChild(eventItem(ev)); });
    panelBody.appendChild(ul);
    panel.hidden = false;
    panel.scrollTop = 0;
  }

  /* Width by money: the largest event behind each funding edge, on a square-root scale. */
  var largest = 0;
  MONEY.forEach(function (ev) { if (ev.amount !== null) { largest = Math.max(largest, Number(ev.amount)); } });
  var widths = [];
  DATA.edges.forEach(function (e) {
    if (e.relation !== "fundedBy") { return; }
    var top = 0;
    eventsOfEdge(e).forEach(function (ev) { if (ev.amount !== null) { top = Math.max(top, Number(ev.amount)); } });
    widths.push({ id: e.id, width: largest ? 1 + 11 * Math.sqrt(top / largest) : 1 });
  });

  var on = false;
  var before = [];
  function enter(p) {
    on = true;
    before = widths.map(function (w) {
      var drawn = p.edges.get(w.id);
      return { id: w.id, width: drawn && drawn.width !== undefined ? drawn.width : 1 };
    });
    p.edges.update(widths);
  }
  function leave(p) {
    on = false;
    p.edges.update(before);  // the page's own widths (articles per fact) come back
  }
  /* A view of the page's view menu (page.js registerView): only who funds whom. */
  page.registerView("money", {
    label: "Where the money comes from",
    edgeFilter: function (e) { return e.relation === "fundedBy"; },
    enter: enter,
    leave: leave
  });

  /* In any view, an entity's panel lists its funding events (page.js panelSections). */
  page.panelSections.push(function (n, body) {
    var events = eventsOfNode(n.id);
    if (!events.length) { return; }
    var section = el("section", { "class": "money" });
    section.appendChild(el("h3", null, "Funding events (" + events.length + ")"));
    var ul = el("ul", { "class": "rel" });
    events.forEach(function (ev) { ul.appendChild(eventItem(ev)); });
    section.appendChild(ul);
    body.appendChild(section);
  });

  /* Registered after page.js's own click handler: in the money view a funding line's
     panel lists its events, not the line's statements. */
  page.network.on("click", function (params) {
    if (!on || params.nodes.length || !params.edges.length) { return; }
    var e = edgeInfo.get(params.edges[0]);
    if (e && e.relation === "fundedBy") {
      showEvents(names([e.from]) + " \u2190 " + names([e.to]), eventsOfEdge(e));
    }
  });
  /* Money view: a node's panel is its events, each counted once. */
  page.network.on("click", function (params) {
    if (on && params.nodes.length) {
      var id = params.nodes[0];
      showEvents(label.get(id) || "", eventsOfNode(id));
    }
  });
  window.kgMoney = { eventsOfNode: eventsOfNode, eventsOfEdge: eventsOfEdge };
}());

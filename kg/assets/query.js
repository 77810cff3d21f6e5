// The query page of `kg serve`: pick or write a query, run it against /sparql,
// show the answer as a table, download it in the W3C CSV/JSON formats.
// Plain DOM code: the page must work offline, so there is no framework to load.
"use strict";

// Longest namespace first, so data IRIs print as ent:x, never as the unparseable id:entity/x.
const PREFIXES = [
  ["kg:", "https://w3id.org/cluster-kg/ontology#"],
  ["summary:", "https://w3id.org/cluster-kg/id/summary/rule/"],
  ["stmt:", "https://w3id.org/cluster-kg/id/statement/"],
  ["ent:", "https://w3id.org/cluster-kg/id/entity/"],
  ["art:", "https://w3id.org/cluster-kg/id/article/"],
  ["graph:", "https://w3id.org/cluster-kg/id/graph/"],
  ["id:", "https://w3id.org/cluster-kg/id/"],
  ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
  ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"],
  ["skos:", "http://www.w3.org/2004/02/skos/core#"],
  ["xsd:", "http://www.w3.org/2001/XMLSchema#"],
  ["prov:", "http://www.w3.org/ns/prov#"],
  ["dcterms:", "http://purl.org/dc/terms/"],
];
const RESULT_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";

const $ = (id) => document.getElementById(id);
let lastQuery = null; // the text of the last query that ran successfully
let lastKind = null; // "table" or "graph"

function shortIri(iri) {
  for (const [prefix, base] of PREFIXES) {
    if (iri.startsWith(base) && iri.length > base.length) return prefix + iri.slice(base.length);
  }
  return "<" + iri + ">";
}

async function post(query, accept) {
  const body = new URLSearchParams({ query });
  return fetch("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
    body,
  });
}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    td.className = "uri";
    td.textContent = shortIri(term.value);
    td.title = term.value;
  } else if (term.type === "triple") {
    td.textContent = "<< triple >>";
  } else {
    td.textContent = term.value;
    const note = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype ? shortIri(term.datatype) : "";
    if (note) {
      const span = document.createElement("span");
      span.className = "dt";
      span.textContent = " " + note;
      td.appendChild(span);
    }
  }
  return td;
}

function renderTable(doc) {
  const table = $("table");
  const head = table.tHead;
  const body = table.tBodies[0];
  head.replaceChildren();
  body.replaceChildren();
  const row = document.createElement("tr");
  const vars = doc.head.vars || ["boolean"];
  for (const name of vars) {
    const th = document.createElement("th");
    th.textContent = name;
    row.appendChild(th);
  }
  head.appendChild(row);
  if ("boolean" in doc) {
    const tr = document.createElement("tr");
    tr.appendChild(cell({ type: "literal", value: String(doc.boolean) }));
    body.appendChild(tr);
    return 1;
  }
  const fragment = document.createDocumentFragment();
  for (const binding of doc.results.bindings) {
    const tr = document.createElement("tr");
    for (const name of vars) tr.appendChild(cell(binding[name]));
    fragment.appendChild(tr);
  }
  body.appendChild(fragment);
  return doc.results.bindings.length;
}

async function run() {
  const query = $("query").value;
  showError("");
  $("table").hidden = true;
  $("graph").hidden = true;
  $("run").disabled = true;
  setStatus("running…");
  const started = performance.now();
  try {
    const response = await post(query, RESULT_ACCEPT);
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      lastQuery = null;
      showError(`${response.status} ${response.statusText}: ${text}`);
      setStatus("");
      return;
    }
    const truncated = response.headers.get("KG-Truncated");
    const type = (response.headers.get("Content-Type") || "").split(";")[0];
    let summary;
    if (type === "application/sparql-results+json") {
      const count = renderTable(JSON.parse(text));
      $("table").hidden = false;
      lastKind = "table";
      summary = `${count} row${count === 1 ? "" : "s"}`;
    } else {
      $("graph").textContent = text;
      $("graph").hidden = false;
      lastKind = "graph";
      summary = "graph result (Turtle)";
    }
    lastQuery = query;
    setStatus(`${summary} in ${ms} ms${truncated ? ` — cut at ${truncated}` : ""}`);
  } catch (err) {
    lastQuery = null;
    showError(`request failed: ${err.message}`);
    setStatus("");
  } finally {
    $("run").disabled = false;
    $("download-csv").disabled = lastQuery === null || lastKind !== "table";
    $("download-json").disabled = lastQuery === null;
  }
}

async function download(kind) {
  if (lastQuery === null) return;
  const table = lastKind === "table";
  const accept = kind === "csv" ? "text/csv" : table ? "application/sparql-results+json" : "application/ld+json";
  const response = await post(lastQuery, accept);
  if (!response.ok) {
    showError(`${response.status} ${response.statusText}: ${await response.text()}`);
    return;
  }
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = kind === "csv" ? "results.csv" : table ? "results.json" : "results.jsonld";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function loadSaved() {
  const response = await fetch("/queries", { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const saved = await response.json();
  const select = $("saved");
  for (const entry of saved) {
    const option = document.createElement("option");
    option.value = entry.name;
    option.textContent = `${entry.name} — ${entry.title}`;
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    const entry = saved.find((e) => e.name === select.value);
    $("saved-title").textContent = entry ? entry.title : "";
    if (entry) $("query").value = entry.query;
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("run").addEventListener("click", run);
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-json").addEventListener("click", () => download("json"));
  $("query").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  loadSaved().catch((err) => showError(`could not load saved queries: ${err.message}`));
});

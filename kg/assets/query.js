// The query page of `kg serve`: YASGUI (editor with highlighting and prefix completion,
// result table with sort, filter and paging) plus kg's saved queries as forms.
// Everything comes from this server: the prefix list is kg's own (no prefix.cc), the
// property/class autocompleters that ask lov.linkeddata.es are never enabled.
// Permalinks: /?saved=NAME&param=value runs a saved query with its parameters,
// /?query=TEXT runs a query as written.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { saved: [], prefixes: {}, dataBase: "", classes: [], bound: null, yasgui: null };

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
}

function prefixDeclarations(query) {
  // Yasqe marks undeclared prefixes; kg's endpoint predeclares them, the editor needs them written.
  const declared = new Set();
  for (const m of query.matchAll(/PREFIX\s+([A-Za-z][\w-]*)?:/gi)) declared.add(m[1] || "");
  const used = new Set();
  for (const m of query.matchAll(/(?:^|[\s(){}.;,^/|!])([A-Za-z][\w-]*):/g)) used.add(m[1]);
  return Object.entries(state.prefixes)
    .filter(([name]) => used.has(name) && !declared.has(name))
    .map(([name, iri]) => `PREFIX ${name}: <${iri}>\n`)
    .join("");
}

function localHref(iri) {
  return iri.startsWith(state.dataBase) ? "/id/" + iri.slice(state.dataBase.length) : iri;
}

function linkDataIris(root) {
  // Result cells link data IRIs to this server's pages instead of the public namespace.
  for (const a of root.querySelectorAll("a.iri")) {
    const href = a.getAttribute("href") || "";
    if (href.startsWith(state.dataBase)) {
      a.setAttribute("href", localHref(href));
      a.removeAttribute("target");
    }
  }
}

function setPermalink(url) {
  $("permalink").href = url;
  history.replaceState(null, "", url);
}

function queryPermalink(query) {
  return "/?" + new URLSearchParams({ query }).toString();
}

function savedPermalink(name, values) {
  const params = new URLSearchParams({ saved: name });
  for (const [key, value] of Object.entries(values)) if (value !== "") params.set(key, value);
  return "/?" + params.toString();
}

function currentEntry() {
  return state.saved.find((e) => e.name === $("saved").value) || null;
}

function drawParams(entry, values) {
  const box = $("params");
  box.replaceChildren();
  $("saved-title").textContent = entry ? entry.title : "";
  $("run-saved").disabled = !entry;
  if (!entry) return;
  for (const p of entry.parameters) {
    const row = document.createElement("div");
    row.className = "param";
    const label = document.createElement("label");
    label.htmlFor = "param-" + p.name;
    label.textContent = p.name;
    const value = p.name in values ? values[p.name] : p.default;
    let input;
    if (p.kind === "class") {
      // A class parameter offers the classes, so nobody has to guess their spelling.
      input = document.createElement("select");
      for (const name of ["", ...state.classes]) {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = name || "(all classes)";
        input.appendChild(option);
      }
      input.value = state.classes.find((c) => c.toLowerCase() === value.toLowerCase()) || "";
    } else {
      input = document.createElement("input");
      input.type = p.kind === "integer" ? "number" : "text";
      input.value = value;
      input.placeholder = p.default === "" ? "(empty: all)" : p.default;
    }
    input.id = "param-" + p.name;
    input.name = p.name;
    const hint = document.createElement("span");
    hint.className = "hint";
    hint.textContent = p.meaning + (p.kind === "name" ? " (matched like the network search)" : "");
    row.append(label, input, hint);
    box.appendChild(row);
  }
  if (entry.paged) {
    for (const [name, meaning] of [["limit", "rows per page"], ["offset", "rows to skip"]]) {
      const row = document.createElement("div");
      row.className = "param";
      const label = document.createElement("label");
      label.htmlFor = "param-" + name;
      label.textContent = name;
      const input = document.createElement("input");
      input.id = "param-" + name;
      input.name = name;
      input.type = "number";
      input.min = name === "limit" ? "1" : "0";
      input.value = values[name] || "";
      input.placeholder = name === "limit" ? "100" : "0";
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = meaning;
      row.append(label, input, hint);
      box.appendChild(row);
    }
  }
}

function formValues() {
  const values = {};
  for (const input of $("params").querySelectorAll("input, select")) values[input.name] = input.value.trim();
  return values;
}

async function runSaved(entry, values) {
  showError("");
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== "") params.set(key, value);
  const response = await fetch(`/queries/${encodeURIComponent(entry.name)}?${params}`, {
    headers: { Accept: "application/sparql-query" },
  });
  const text = await response.text();
  if (!response.ok) {
    showError(`${response.status} ${response.statusText}: ${text}`);
    return;
  }
  state.bound = text;
  setPermalink(savedPermalink(entry.name, values));
  const tab = state.yasgui.getTab();
  tab.setQuery(text);
  tab.getYasqe().query();
}

function runText(query) {
  state.bound = null;
  const tab = state.yasgui.getTab();
  tab.setQuery(prefixDeclarations(query) + query);
  tab.getYasqe().query();
}

function configureYasgui() {
  const Yasqe = Yasgui.Yasqe;
  const lines = Object.entries(state.prefixes).map(([name, iri]) => `${name}: <${iri}>`);
  Yasqe.forkAutocompleter("prefixes", { name: "kgPrefixes", persistenceId: null, get: () => lines.sort() });
  Yasqe.defaults.autocompleters = ["kgPrefixes", "variables"];
  // Longest namespace first, so the table writes ent:x rather than id:entity/x.
  const yasrPrefixes = Object.fromEntries(
    Object.entries(state.prefixes).sort((a, b) => b[1].length - a[1].length),
  );
  Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false;
  state.yasgui = new Yasgui($("yasgui"), {
    requestConfig: { endpoint: "/sparql", method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: "/sparql" }], keys: [] },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasqe: { value: "", persistenceId: null, consumeShareLink: null, createShareableLink: null },
    yasr: { prefixes: yasrPrefixes, persistenceId: null, pluginOrder: ["table", "response"], defaultPlugin: "table" },
  });
  state.yasgui.on("query", (yasgui, tab) => {
    const query = tab.getQuery();
    if (state.bound !== null && query === state.bound) return; // the saved-query permalink stays
    state.bound = null;
    setPermalink(queryPermalink(query));
  });
  new MutationObserver(() => linkDataIris($("yasgui"))).observe($("yasgui"), { childList: true, subtree: true });
}

async function start() {
  const response = await fetch("/queries", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  const catalogue = await response.json();
  state.saved = catalogue.queries;
  state.prefixes = catalogue.prefixes;
  state.dataBase = catalogue.dataBase;
  state.classes = catalogue.classes;
  $("prefix-list").textContent = Object.keys(state.prefixes).map((p) => p + ":").join(" ");
  configureYasgui();
  const select = $("saved");
  for (const entry of state.saved) {
    const option = document.createElement("option");
    option.value = entry.name;
    option.textContent = `${entry.name} — ${entry.title}`;
    option.title = entry.title;
    select.appendChild(option);
  }
  select.addEventListener("change", () => drawParams(currentEntry(), {}));
  $("saved-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const entry = currentEntry();
    if (entry) runSaved(entry, formValues()).catch((err) => showError(err.message));
  });
  const url = new URLSearchParams(location.search);
  const savedName = url.get("saved");
  if (savedName) {
    select.value = savedName;
    const entry = currentEntry();
    if (!entry) {
      showError(`no saved query called ${savedName}`);
      return;
    }
    const values = {};
    for (const [key, value] of url) if (key !== "saved") values[key] = value;
    drawParams(entry, values);
    await runSaved(entry, values);
  } else if (url.get("query")) {
    runText(url.get("query"));
  } else {
    state.yasgui.getTab().setQuery(
      "SELECT ?entity ?label WHERE {\n  ?entity rdfs:label ?label\n}\nORDER BY ?label\nLIMIT 50\n",
    );
    state.yasgui.getTab().setQuery(prefixDeclarations(state.yasgui.getTab().getQuery()) + state.yasgui.getTab().getQuery());
  }
}

document.addEventListener("DOMContentLoaded", () => {
  start().catch((err) => showError(`could not start the query page: ${err.message}`));
});

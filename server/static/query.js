// The query page: YASGUI (bundled, no CDN) on this server's own endpoint, one tab per example query
// (a shared query's page, /q/<id>, opens that query first), and a button that asks for a short link.
// YASGUI is a megabyte of script: a wide screen loads it at once; a phone keeps the plain form (which
// works without any script) and loads YASGUI when asked. Should its files be missing (an install
// without `make vendor`), the plain form stays: the page is never blank.
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  var started = false;

  function load() {
    if (started) { return; }
    started = true;
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = host.getAttribute("data-style");
    document.head.appendChild(style);
    var script = document.createElement("script");
    script.src = host.getAttribute("data-script");
    script.onload = function () { if (typeof Yasgui !== "undefined") { start(); } };
    document.body.appendChild(script);
  }

  var opener = document.getElementById("open-yasgui");
  opener.hidden = false;
  opener.addEventListener("click", function () { opener.hidden = true; load(); });
  if (window.matchMedia("(min-width: 900px)").matches) { opener.hidden = true; load(); }
})();

function start() {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  var prologue = Object.keys(prefixes).sort().map(function (p) {
    return "PREFIX " + p + ": <" + prefixes[p] + ">";
  }).join("\n");
  var endpoint = new URL("/sparql", window.location.href).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,            // nothing kept in localStorage between visits
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    // a new tab starts with the endpoint's prefixes declared
    yasqe: { value: prologue + "\n\nSELECT * WHERE {\n  ?s ?p ?o\n} LIMIT 10" },
  });
  // Result links to the dataset's own IRIs open this server's page of the resource (the IRI's path
  // on this host, as /id/Iran for https://w3id.org/alliance-kg/id/Iran), not the IRI's own host.
  var base = prefixes.id.slice(0, -"id/".length);
  function localise(root) {
    root.querySelectorAll("a.iri").forEach(function (a) {
      var iri = a.getAttribute("href");
      if (iri && iri.indexOf(base) === 0) {
        a.setAttribute("href", "/" + iri.slice(base.length));
        a.setAttribute("title", iri);
      }
    });
  }
  new MutationObserver(function () { localise(document.getElementById("yasgui")); })
    .observe(document.getElementById("yasgui"), { childList: true, subtree: true });
  var first = yasgui.getTab();
  examples.forEach(function (example, i) {
    if (i === 0) {                  // the open tab's editor exists: fill it in
      first.setName(example.title);
      first.setEndpoint(endpoint);
      first.setQuery(example.text);
    } else {                        // the others are created with their query (editors start lazily)
      yasgui.addTab(false, { name: example.title, yasqe: { value: example.text },
                             requestConfig: { endpoint: endpoint, method: "POST" } });
    }
  });
  document.body.classList.add("yasgui-ready");
  var share = document.getElementById("share-query");
  share.parentNode.hidden = false;
  share.addEventListener("click", function () {
    var out = document.getElementById("share-link");
    out.textContent = "…";
    fetch("/q", { method: "POST", headers: { "Content-Type": "application/sparql-query", "Accept": "application/json" },
                  body: yasgui.getTab().getQuery() })
      .then(function (r) { return r.json().then(function (body) { return [r.ok, body]; }); })
      .then(function (answer) {
        out.textContent = "";
        if (!answer[0]) { out.textContent = answer[1].detail || "could not share this query"; return; }
        var a = document.createElement("a");
        a.href = answer[1].url;
        a.textContent = answer[1].url;
        out.appendChild(a);
      })
      .catch(function () { out.textContent = "could not reach the server"; });
  });
  labelWidgets(document.getElementById("yasgui"));
  // YASGUI redraws its widgets (tabs, result views) as it is used: label what appears.
  new MutationObserver(function () { labelWidgets(document.getElementById("yasgui")); })
    .observe(document.getElementById("yasgui"), { childList: true, subtree: true });
}

// YASGUI's widgets, made valid for assistive technology (WCAG 4.1.2): form controls get names from
// their placeholder or title, a tab points (aria-controls) only at a panel that exists, the tab list
// holds only tabs (its "add tab" button moves just after it), and a scrolling editor can take focus.
function labelWidgets(root) {
  root.querySelectorAll(".tabsList").forEach(function (list) {
    list.querySelectorAll("button.addTab").forEach(function (button) {
      list.parentNode.insertBefore(button, list.nextSibling);
    });
  });
  root.querySelectorAll("[role=tab]").forEach(function (tab) {
    var controls = tab.getAttribute("data-controls") || tab.getAttribute("aria-controls");
    if (!controls) { return; }
    tab.setAttribute("data-controls", controls);
    if (document.getElementById(controls)) { tab.setAttribute("aria-controls", controls); }
    else { tab.removeAttribute("aria-controls"); }
  });
  // CodeMirror makes its scroller focusable by script only (tabindex -1); a keyboard must reach it too
  root.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])").forEach(function (el) {
    el.setAttribute("tabindex", "0");
    el.setAttribute("aria-label", "SPARQL query editor");
  });
  root.querySelectorAll("input, select, textarea, button").forEach(function (el) {
    if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") || (el.labels && el.labels.length)) { return; }
    if (el.tagName === "BUTTON" && el.textContent.trim()) { return; }
    var name = el.getAttribute("placeholder") || el.getAttribute("title") || el.getAttribute("name")
      || (el.tagName === "SELECT" ? "Choose an option" : el.tagName === "TEXTAREA" ? "SPARQL query" : "Query option");
    el.setAttribute("aria-label", name);
  });
}

// The query page: YASGUI (bundled, no CDN) on this server's own endpoint, one tab per example query.
(function () {
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
})();

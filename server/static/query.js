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
})();

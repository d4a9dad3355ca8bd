// The query page: YASGUI (bundled, no CDN) on this server's own endpoint, one tab per example query.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var endpoint = new URL("/sparql", window.location.href).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,            // nothing kept in localStorage between visits
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
  });
  var first = yasgui.getTab();
  examples.forEach(function (example, i) {
    var tab = i === 0 ? first : yasgui.addTab(false);
    tab.setEndpoint(endpoint);
    tab.setName(example.title);
    tab.setQuery(example.text);
  });
  first.select();
})();

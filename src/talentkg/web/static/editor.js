/* The query editor: YASGUI on this server's /sparql, with the predeclared prefixes and the saved
   queries as examples. Everything it loads comes from this server, so it works offline. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var host = document.getElementById("yasgui");
  if (!window.Yasgui || !host) { return; }

  var yasgui = new window.Yasgui(host, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    populateFromUrl: false,
    autofocus: false,
    yasqe: { value: config.initial, autocompleters: ["prefixes", "variables"] }
  });
  window.talentkgEditor = yasgui;

  function open(name, query) {
    var tab = yasgui.addTab(true, { name: name });
    tab.setQuery(query);
    return tab;
  }

  var tab = yasgui.getTab();
  if (tab) {
    var yasqe = tab.getYasqe();
    if (yasqe) { yasqe.addPrefixes(config.prefixes); }
  }
  if (config.query) {
    open("?query", config.query);
  }

  var list = document.getElementById("examples");
  if (list) {
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-example]");
      if (!button) { return; }
      var index = Number(button.getAttribute("data-example"));
      var example = index < 0 ? { summary: button.textContent, query: config.initial } : config.examples[index];
      if (example) { open(example.summary.slice(0, 40), example.query); }
    });
  }
}());

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

  /* YASGUI's icon buttons have no text: name them for screen readers and keyboard users. */
  function nameButtons() {
    var names = { yasqe_queryButton: config.labels.run, yasqe_share: config.labels.share };
    Object.keys(names).forEach(function (cls) {
      host.querySelectorAll("." + cls).forEach(function (button) {
        if (!button.getAttribute("aria-label")) { button.setAttribute("aria-label", names[cls]); }
      });
    });
    host.querySelectorAll(".CodeMirror textarea").forEach(function (area) {
      if (!area.getAttribute("aria-label")) { area.setAttribute("aria-label", config.labels.query); }
    });
  }
  ["tabAdd", "tabSelect", "tabChange"].forEach(function (event) {
    yasgui.on(event, function () { window.setTimeout(nameButtons, 0); });
  });

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
    open(config.labels.query, config.query);
  }
  nameButtons();

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

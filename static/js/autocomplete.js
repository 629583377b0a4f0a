// Turns each text input carrying data-autocomplete-url (core/autocomplete.py) into a
// Tom Select fed by its JSON endpoint. Without this script the input still works: it
// holds the chosen rows' numbers.
(function () {
  "use strict";

  function setUp(input) {
    var chosen = JSON.parse(input.dataset.autocompleteOptions || "[]");
    var multiple = input.dataset.autocompleteMultiple === "true";
    input.value = chosen.map(function (option) { return option.value; }).join(",");
    new TomSelect(input, {
      options: chosen,
      items: chosen.map(function (option) { return option.value; }),
      maxItems: multiple ? null : 1,
      closeAfterSelect: !multiple,
      delimiter: ",",
      create: false,
      persist: false,
      valueField: "value",
      labelField: "text",
      // The server already chose and ordered the rows: keep them all, in its order.
      score: function () { return function () { return 1; }; },
      loadThrottle: 250,
      shouldLoad: function (query) { return query.trim().length >= 2; },
      load: function (query, callback) {
        var url = input.dataset.autocompleteUrl + "?q=" + encodeURIComponent(query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { callback(data.results); })
          .catch(function () { callback(); });
      },
      plugins: multiple ? ["remove_button"] : ["clear_button"],
      render: {
        no_results: function () { return '<div class="no-results">Aucun résultat</div>'; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">Recherche…</span></div>'; },
      },
    });
  }

  function setUpAll(root) {
    root.querySelectorAll("input[data-autocomplete-url]").forEach(function (input) {
      if (!input.tomselect) { setUp(input); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  } else {
    setUpAll(document);
  }
  // Forms that add rows (formsets) call this on the new row, or send « formset:added ».
  window.setUpAutocompletes = setUpAll;
  document.addEventListener("formset:added", function (event) { setUpAll(event.target); });
})();

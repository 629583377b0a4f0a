// Add and remove the rows of a Django formset (action axes, co-funding lines) without
// saving in between. A new row is a copy of the formset's empty form (its <template>),
// numbered by TOTAL_FORMS; a removed row has its DELETE box ticked and is hidden, so the
// server sees exactly what the no-JS form would send.
(function () {
  "use strict";

  function setUp(container) {
    const prefix = container.dataset.formset;
    const total = container.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const rows = container.querySelector("[data-formset-rows]");
    const empty = container.querySelector("template[data-formset-empty]");
    const add = container.querySelector("[data-formset-add]");
    const status = container.querySelector("[data-formset-status]");
    if (!total || !rows || !empty || !add) {
      return;
    }

    function say(message) {
      if (status) {
        status.textContent = message || "";
      }
    }

    function bind(row) {
      const remove = row.querySelector("[data-formset-remove]");
      const box = row.querySelector('input[name$="-DELETE"]');
      if (!remove || !box) {
        return;
      }
      const wrapper = box.closest(".formset-delete");
      if (wrapper) {
        wrapper.hidden = true;
      }
      remove.hidden = false;
      if (box.checked) {
        row.hidden = true;
      }
      remove.addEventListener("click", function () {
        box.checked = true;
        row.hidden = true;
        say(status && status.dataset.removed);
        add.focus();
      });
    }

    rows.querySelectorAll("[data-formset-row]").forEach(bind);
    container.classList.add("formset-js");
    add.hidden = false;
    add.addEventListener("click", function () {
      const index = Number(total.value);
      rows.insertAdjacentHTML("beforeend", empty.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      const row = rows.lastElementChild;
      bind(row);
      // Widgets that need JavaScript (an autocomplete) set up the new row on this event.
      row.dispatchEvent(new CustomEvent("formset:added", { bubbles: true }));
      say(status && status.dataset.added);
      const first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) {
        first.focus();
      }
    });
  }

  document.querySelectorAll("[data-formset]").forEach(setUp);
})();

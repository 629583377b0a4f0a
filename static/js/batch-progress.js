// Session page: follow a batch job (« générer toutes les conventions ») without reloading.
// Polls the JSON status view every second until the job is finished. Without JavaScript
// the page shows the status as of its last load.
(function () {
  "use strict";
  var box = document.getElementById("progression");
  if (!box || box.dataset.finished === "true") return;
  var bar = box.querySelector(".progress");
  var fill = box.querySelector(".progress-bar");
  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }

  function show(job) {
    field("status_label").textContent = job.status_label;
    field("done").textContent = job.done;
    field("total").textContent = job.total;
    bar.setAttribute("aria-valuenow", job.percent);
    fill.style.width = job.percent + "%";
    fill.textContent = job.percent_label;  // « 25 % », formatted by the server
    var errors = field("errors");
    errors.replaceChildren.apply(errors, job.errors.map(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
    if (job.finished) {
      // Errors, or interrupted (a worker lost): « Reprendre » is on the job's page.
      var warn = job.errors.length || job.interrupted;
      fill.classList.add(warn ? "bg-warning" : "bg-success");
      if (warn) fill.classList.add("text-dark");
      field("summary").textContent = job.summary;
      box.dataset.finished = "true";
    }
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (job) {
        show(job);
        if (!job.finished) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();

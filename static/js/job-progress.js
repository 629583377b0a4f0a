// The page of a job built in the background (a session's complete file, a large export):
// follows it without reloading, by polling its JSON status view (permission-checked like
// the page) every two seconds until the job is finished. Then the download link (or the
// error) is shown and the live region announces the end to screen readers. Without
// JavaScript the page shows the state of its last load and an « Actualiser » link.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box || box.dataset.finished === "true") return;
  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }
  function text(name, value) {
    var element = field(name);
    if (element) element.textContent = value;
  }

  function show(job) {
    text("summary", job.summary);
    var bar = box.querySelector('[role="progressbar"]');
    var fill = field("bar");
    bar.setAttribute("aria-valuenow", job.percent);
    fill.className = fill.className.replace(/\bpct-\d+\b/, "pct-" + job.percent);
    fill.textContent = job.bar_label;
    if (!job.finished) return;
    box.dataset.finished = "true";
    field("pending").hidden = true;
    if (job.failed) {
      fill.classList.add("bg-danger");
      text("error", job.error);
      field("error").hidden = false;
      if (field("restart")) field("restart").hidden = false;
    } else {
      fill.classList.add("bg-success");
      text("detail", job.detail);
      field("ready").hidden = false;
    }
    text("announce", job.message);  // the live region: « … prêt : téléchargez-le »
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (job) {
        show(job);
        if (!job.finished) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();

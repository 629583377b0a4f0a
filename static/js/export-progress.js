// Page of a large export built in the background: reload every two seconds until the
// export is finished (then the download link is on the page). Without JavaScript the
// page shows the state as of its last load.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box || box.dataset.finished === "true") return;
  window.setTimeout(function () { window.location.reload(); }, 2000);
})();

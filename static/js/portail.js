// The association space: move the focus to the error summary when a form comes back with
// errors (RGAA 11.10), so that a screen reader reads it first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});

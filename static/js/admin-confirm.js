// Admin: a form carrying data-confirm asks before it is sent (lifecycle transitions).
// A file rather than an onsubmit="" attribute, which the Content-Security-Policy refuses.
document.addEventListener("submit", function (event) {
  "use strict";
  var message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Progressive enhancements of the shell. Every page works without this file (and without htmx).
(function () {
  "use strict";

  // After an in-place update of the directory results, tell screen-reader users the new count
  // through a region that stays on the page (a replaced region is not reliably announced).
  // When the update came from a pagination link, which the swap removed, keyboard focus would
  // fall back to the top of the page: move it to the start of the new results instead.
  document.addEventListener("htmx:afterSettle", function (event) {
    var status = document.querySelector("[data-results-status]");
    var announcer = document.getElementById("results-announcer");
    if (!status) {
      return;
    }
    if (announcer) {
      announcer.textContent = status.textContent.trim();
    }
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.closest && source.closest(".pagination")) {
      status.focus();
    }
  });

  // The language switch sends the visitor back to the page they are on; keep that address
  // current when htmx changes it (filters typed in the directory, another page of results).
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var next = document.querySelector("#language-switch input[name='next']");
    if (next) {
      next.value = window.location.pathname + window.location.search;
    }
  });
})();

// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  // Move keyboard focus to the results after an in-place update announced by htmx, so that
  // screen-reader users hear the new result count.
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = event.detail.target.querySelector("[data-results-status]");
    if (status) {
      status.setAttribute("tabindex", "-1");
    }
  });
})();

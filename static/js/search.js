// The search page's box follows the address. Typing replaces the history entry
// (hx-replace-url), so Back leaves the search instead of stepping through each
// pause; Back and Forward restore htmx's snapshot of the page, whose box holds the
// value it was first rendered with: refill it from ?q= so box and results agree.
// Search (Enter) loads the page for a new query, a history entry of its own; for
// the query already shown (in the address since the last pause) it does nothing,
// rather than add the same entry twice.
(function () {
  "use strict";

  function shown() {
    return new URLSearchParams(window.location.search).get("q") || "";
  }

  function refill() {
    var box = document.getElementById("search-q");
    if (box && box.value !== shown()) {
      box.value = shown();
    }
  }

  document.addEventListener("submit", function (event) {
    var box = event.target.querySelector("#search-q");
    if (box && box.value === shown() && shown() !== "") {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:historyRestore", refill);
  window.addEventListener("popstate", function () {
    window.setTimeout(refill, 0);
  });
  window.addEventListener("pageshow", refill);
})();

/* Live polling on the stage page (elements with data-poll):
   - no request while the tab is hidden, and one at once when it shows again;
   - no swap when the answer is the version already shown (the browser answered
     a 304 from its cache): nothing moves, focus and scroll stay;
   - a new ticker entry (and only a new one) is read out politely by screen
     readers, through the #live-announce status region, unless it is hidden
     (spoiler-free mode). */
(function () {
  "use strict";
  var shown = {};
  var announced = null;

  function polling(elt) {
    return elt && elt.hasAttribute && elt.hasAttribute("data-poll");
  }

  function newestEntry() {
    var panel = document.getElementById("live-panel");
    return panel ? panel.querySelector(".ticker__entry") : null;
  }

  function announce() {
    var entry = newestEntry();
    var region = document.getElementById("live-announce");
    if (!entry || !region || entry.id === announced) {
      return;
    }
    announced = entry.id;
    // Hidden (spoiler-free mode): not read out either.
    if (entry.getClientRects().length) {
      region.textContent = entry.textContent.replace(/\s+/g, " ").trim();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var entry = newestEntry(); // on the page already: not news
    announced = entry ? entry.id : "";
  });
  document.addEventListener("htmx:afterSettle", announce);
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && polling(event.detail.elt)) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (!polling(elt)) {
      return;
    }
    var tag = event.detail.xhr.getResponseHeader("ETag");
    if (tag && shown[elt.id] === tag) {
      event.detail.shouldSwap = false;
    }
    shown[elt.id] = tag;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden || !window.htmx) {
      return;
    }
    document.querySelectorAll("[data-poll]").forEach(function (elt) {
      window.htmx.trigger(elt, "refresh");
    });
  });
})();

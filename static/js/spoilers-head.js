// Spoiler-free mode, first part: loaded in <head> without defer, so it runs before
// the body is painted. It only marks <html>; site.css then hides every
// [data-spoils] element, and spoilers.js (deferred) shows the revealed ones. The
// mode lives in this browser (localStorage), never on the server: pages stay the
// same for everybody and cacheable.
(function () {
  "use strict";
  var root = document.documentElement;
  var raw;
  try {
    raw = localStorage.getItem("toursite.spoilers");
  } catch (error) {
    return; // No storage: the mode cannot persist, so it is off and has no switch.
  }
  root.classList.add("spoilers-js");
  try {
    if (JSON.parse(raw || "{}").on === true) {
      root.classList.add("spoiler-free");
    }
  } catch (error) {
    // A broken stored value: the mode is off.
  }
})();

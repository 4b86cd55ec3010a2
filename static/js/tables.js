/* The stage page's tables: tabs, filters and history (works without it: the
   tabs are links, the filters a GET form, Clear a link).
   - Tabs follow the ARIA tabs pattern: one tab in the Tab order (roving
     tabindex); Left/Right/Home/End move to a tab and open it; after the swap
     (which replaces the tab list) focus is back on the selected tab.
   - Requests from the filters and tabs leave empty fields out of the address,
     so the history entry is the table's clean address (?q=vinge, not
     ?team=&q=vinge).
   - Back and Forward: the filter boxes are set from the restored address, so
     they always match the table shown.
   - Clear shows only while a filter is set; after it, focus goes to the name box. */
(function () {
  "use strict";
  var KEYS = { ArrowLeft: -1, ArrowRight: 1, Home: "first", End: "last" };
  var refocusTab = false;
  var refocusName = false;
  var latestTab = null;
  var activation = null;
  var ACTIVATE_MS = 150;

  function region() {
    return document.getElementById("stage-tables");
  }

  function tabs() {
    var r = region();
    return r ? Array.prototype.slice.call(r.querySelectorAll('[role="tab"]')) : [];
  }

  function rove() {
    tabs().forEach(function (tab) {
      tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
    });
  }

  function selectedTab() {
    return tabs().filter(function (tab) {
      return tab.getAttribute("aria-selected") === "true";
    })[0];
  }

  function focusSelectedTab() {
    var tab = selectedTab();
    if (refocusTab && tab && document.activeElement !== tab) {
      tab.focus();
    }
  }

  function onKey(event) {
    var tab = event.target.closest && event.target.closest('[role="tab"]');
    var move = KEYS[event.key];
    if (!tab || move === undefined || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var all = tabs();
    var at = all.indexOf(tab);
    var next;
    if (move === "first") {
      next = all[0];
    } else if (move === "last") {
      next = all[all.length - 1];
    } else {
      next = all[(at + move + all.length) % all.length];
    }
    event.preventDefault();
    if (!next || next === tab) {
      return;
    }
    all.forEach(function (t) {
      t.tabIndex = t === next ? 0 : -1;
    });
    next.focus();
    // Automatic activation, once the keys rest: a key held down loads one
    // table, the last tab's, not one per tab passed.
    window.clearTimeout(activation);
    activation = window.setTimeout(function () {
      var tab = document.getElementById(next.id);
      if (!tab) {
        return;
      }
      if (window.htmx) {
        // htmx sets up tabs it swapped in only once they settle: before that a
        // click would follow the link and load the whole page.
        window.htmx.process(tab);
      }
      tab.click();
    }, ACTIVATE_MS);
  }

  function fields() {
    var form = document.getElementById("table-filters");
    return form ? { form: form, q: form.elements.q, team: form.elements.team } : null;
  }

  function showClear() {
    var f = fields();
    var clear = document.getElementById("table-clear");
    if (!f || !clear) {
      return;
    }
    clear.hidden = !((f.q && f.q.value.trim()) || (f.team && f.team.value));
  }

  // The boxes as the address says: after Back/Forward the table restored is the
  // address's, so the boxes must be too.
  function fieldsFromAddress() {
    var f = fields();
    if (!f) {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    if (f.q) {
      f.q.value = params.get("q") || "";
      f.q.setAttribute("value", f.q.value);
    }
    if (f.team) {
      var team = (params.get("team") || "").toUpperCase();
      var known = Array.prototype.some.call(f.team.options, function (o) {
        return o.value === team;
      });
      f.team.value = known ? team : "";
      Array.prototype.forEach.call(f.team.options, function (o) {
        o.toggleAttribute("selected", o.value === f.team.value);
      });
    }
    showClear();
  }

  function inTables(elt) {
    return elt && elt.closest && elt.closest(".tables");
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("DOMContentLoaded", function () {
    rove();
    showClear();
  });
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("#table-filters")) {
      showClear();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#table-filters")) {
      showClear();
    }
  });
  document.addEventListener("htmx:configRequest", function (event) {
    if (!inTables(event.detail.elt)) {
      return;
    }
    var params = event.detail.parameters;
    ["team", "q"].forEach(function (name) {
      if (params[name] !== undefined && String(params[name]).trim() === "") {
        delete params[name];
      }
    });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.id === "table-clear") {
      refocusName = true;
    }
    if (elt && elt.getAttribute && elt.getAttribute("role") === "tab") {
      latestTab = elt;
    }
  });
  // Whatever replaces the tab list (a tab, a poll), focus on a tab stays on one.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target !== region()) {
      return;
    }
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (elt && elt.getAttribute("role") === "tab" && elt !== latestTab) {
      // Tabs passed on the way (a key held down): only the last one's table
      // is shown and goes into the history, whatever order the answers come in.
      event.detail.shouldSwap = false;
      return;
    }
    var active = document.activeElement;
    refocusTab = Boolean(active && active.getAttribute && active.getAttribute("role") === "tab");
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== region()) {
      return;
    }
    rove();
    focusSelectedTab();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target === region()) {
      focusSelectedTab(); // again, should anything have moved it while settling
      refocusTab = false;
    }
    showClear();
    if (refocusName) {
      var f = fields();
      if (f && f.q) {
        f.q.focus();
      }
      refocusName = false;
    }
  });
  document.addEventListener("htmx:historyRestore", function () {
    rove();
    fieldsFromAddress();
  });
  window.addEventListener("popstate", function () {
    window.setTimeout(fieldsFromAddress, 0);
  });
})();

/* Spoiler-free mode (deferred part; spoilers-head.js marked <html> already).

   Every element that shows the outcome of stage N of an edition carries
   data-spoils="<race>/<year>/<N>" (the {% spoils %} tag). The mode and what the
   fan has revealed live in localStorage, so the HTML is the same for everybody
   and a CDN can cache it:
     {"on": true, "revealed": {"tour-de-france/2023": 11},   // up to stage 11
      "stages": {"tour-de-france/2023": [14]}}                // and stage 14
   While the mode is on, site.css hides (display: none, so from screen
   readers too) every [data-spoils] element without the class spoiler-shown; this
   script gives that class to the revealed ones and puts a placeholder with reveal
   buttons before each hidden block. It runs again after every htmx swap. */
(function () {
  "use strict";
  // The page's words come from Django's JavaScript catalogue (/jsi18n/, loaded
  // before this script); should it fail to load, the mode still works in English.
  const gettext = window.gettext || ((text) => text);
  const interpolate =
    window.interpolate ||
    ((format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => String(values[name])));
  var KEY = "toursite.spoilers";
  var root = document.documentElement;
  var INLINE = /^(SPAN|A|STRONG|EM|B|I|SMALL|TIME|ABBR|DATA|MARK|IMG|Q|CITE|OUTPUT)$/;
  var SAME_TAG = /^(LI|DT|DD)$/;
  // Classes a placeholder keeps from the inline element it stands for: what is
  // folded away on a phone (or shown there only) stays so.
  var FOLD = /^(col-)?(un)?fold(-\w+)?$/;
  var pending = false;

  function load() {
    var state = {};
    try {
      state = JSON.parse(localStorage.getItem(KEY) || "{}") || {};
    } catch (error) {
      state = {};
    }
    return {
      on: state.on === true,
      revealed: typeof state.revealed === "object" && state.revealed ? state.revealed : {},
      stages: typeof state.stages === "object" && state.stages ? state.stages : {},
    };
  }

  function save(state) {
    try {
      localStorage.setItem(KEY, JSON.stringify(state));
    } catch (error) {
      // Full or blocked: the change holds for this page only.
    }
  }

  function parse(value) {
    var match = /^([\w-]+\/\d+)\/(\d+)$/.exec(value || "");
    return match ? { edition: match[1], n: parseInt(match[2], 10) } : null;
  }

  function isRevealed(state, spoils) {
    var found = parse(spoils);
    if (!found) {
      return false;
    }
    var upTo = state.revealed[found.edition];
    var single = state.stages[found.edition] || [];
    return (typeof upTo === "number" && found.n <= upTo) || single.indexOf(found.n) !== -1;
  }

  // The words about stage ``n``, both translated whole (gettext() in the
  // caller): the prologue (stage 0) has its own, the others name the number.
  function forStage(n, prologue, stage) {
    return n === 0 ? prologue : interpolate(stage, { n: n }, true);
  }

  function srOnly(text) {
    var span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text;
    return span;
  }

  // ``el`` shows ``visible`` and is read out as ``full``, one sentence for
  // translators: the visible words are the start of ``full`` (the rest is read by
  // screen readers only), or, in a language where they are not, hidden from screen
  // readers, which read ``full`` alone.
  function labelled(el, visible, full) {
    if (full.indexOf(visible) === 0) {
      el.appendChild(document.createTextNode(visible));
      el.appendChild(srOnly(full.slice(visible.length)));
    } else {
      var shown = el.appendChild(document.createElement("span"));
      shown.setAttribute("aria-hidden", "true");
      shown.textContent = visible;
      el.appendChild(srOnly(full));
    }
    return el;
  }

  // A reveal button; with ``full``, its name for screen readers (``text`` shown).
  function button(text, action, spoils, full) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "spoiler-reveal";
    if (full) {
      labelled(b, text, full);
    } else {
      b.textContent = text;
    }
    b.setAttribute("data-spoiler-action", action);
    b.setAttribute("data-spoiler-target", spoils);
    return b;
  }

  function columns(row) {
    var count = 0;
    for (var i = 0; row && i < row.cells.length; i++) {
      count += row.cells[i].colSpan || 1;
    }
    return count || 1;
  }

  function isHidden(el) {
    return el.hasAttribute("data-spoils") && !el.classList.contains("spoiler-shown");
  }

  function isCell(el) {
    return el.tagName === "TD" || el.tagName === "TH";
  }

  function sibling(el, step) {
    var next = el[step];
    while (next && next.classList.contains("spoiler-placeholder")) {
      next = next[step];
    }
    return next;
  }

  // The hidden siblings that share one placeholder: a run of hidden rows (or
  // items...) of the same tag, whatever their stages, so the placeholder counts
  // no rows and names no single stage of a list (which rider left when).
  function run(el) {
    var items = [el];
    var next = sibling(el, "nextElementSibling");
    while (next && isHidden(next) && next.tagName === el.tagName) {
      items.push(next);
      next = sibling(next, "nextElementSibling");
    }
    return items;
  }

  // What placeholder ``el`` needs: null (none: inside a hidden element, in SVG,
  // or not first of its run), else {cell, empty, spoils, n, mixed, key}. A run's
  // placeholder names only its highest stage ("reveal up to"), and its own stage
  // when all its elements share it: pages mark a rider's or team's race so far
  // with the edition's latest stage, or every stage row with its own, so this
  // tells nothing about who did what when.
  function need(el) {
    var parent = el.parentElement;
    if ((parent && parent.closest("[data-spoils]:not(.spoiler-shown)")) ||
        el.namespaceURI === "http://www.w3.org/2000/svg" || el.tagName === "OPTION") {
      return null;
    }
    var spoils = el.getAttribute("data-spoils");
    var prev = sibling(el, "previousElementSibling");
    if (isCell(el) || INLINE.test(el.tagName)) {
      // Cells each keep a place (columns stay aligned); the second hidden cell
      // of the same stage in a row gets no second button.
      var empty = !!prev && isHidden(prev) && prev.getAttribute("data-spoils") === spoils;
      return { cell: true, empty: empty, spoils: spoils, n: parse(spoils).n, key: (empty ? "-" : "") + spoils };
    }
    if (prev && isHidden(prev) && prev.tagName === el.tagName) {
      return null;
    }
    var keys = run(el).map(function (item) {
      return item.getAttribute("data-spoils");
    });
    var top = keys.reduce(function (best, key) {
      var found = parse(key);
      return found && found.n > parse(best).n ? key : best;
    }, spoils);
    var mixed = keys.some(function (key) {
      return key !== spoils;
    });
    return { cell: false, spoils: top, n: parse(top).n, mixed: mixed, key: keys.join(" ") };
  }

  function cellPlaceholder(el, want) {
    var n = want.n;
    var box = document.createElement(isCell(el) ? "td" : "span");
    if (isCell(el)) {
      box.colSpan = el.colSpan || 1;
    }
    // A cell keeps its column's classes (a column folded away on phones stays
    // so), an inline element its folding ones.
    var kept = Array.prototype.filter.call(el.classList, function (name) {
      return name !== "spoiler-shown" && (isCell(el) || FOLD.test(name));
    });
    box.className = kept.concat(["spoiler-placeholder", "spoiler-placeholder--compact"]).join(" ");
    if (!want.empty) {
      var note = box.appendChild(document.createElement("span"));
      note.className = "spoiler-placeholder__text";
      // Translators: a result hidden in spoiler-free mode, in a table cell; the
      // start of the next message, which screen readers read in full.
      labelled(note, gettext("Hidden"), forStage(
        n,
        gettext("Hidden (prologue result, spoiler-free mode)"),
        gettext("Hidden (stage %(n)s result, spoiler-free mode)")
      ));
      box.appendChild(document.createTextNode(" "));
      // Translators: a button that shows one hidden result (spoiler-free mode);
      // the start of "Reveal stage %(n)s", which screen readers read in full.
      var word = gettext("Reveal");
      box.appendChild(button(word, "stage", want.spoils, forStage(
        n, gettext("Reveal prologue"), gettext("Reveal stage %(n)s")
      )));
    }
    return box;
  }

  // The placeholder takes the hidden element's place in its parent: a row for a
  // row, a cell for a cell, a list item for a list item, a span inside text.
  function placeholder(el, want) {
    var box = want.cell ? cellPlaceholder(el, want) : null;
    var tag = el.tagName;
    var holder;
    if (box) {
      box.setAttribute("data-spoiler-for", want.key);
      return box;
    }
    if (tag === "TR" || tag === "TBODY") {
      box = document.createElement(tag === "TR" ? "tr" : "tbody");
      var row = tag === "TR" ? box : box.appendChild(document.createElement("tr"));
      holder = row.appendChild(document.createElement("td"));
      holder.colSpan = columns(tag === "TR" ? el : el.rows[0]);
    } else {
      box = document.createElement(SAME_TAG.test(tag) ? tag.toLowerCase() : "div");
      holder = box;
    }
    box.className = "spoiler-placeholder";
    box.setAttribute("data-spoiler-for", want.key);
    var n = want.n;
    var text = holder.appendChild(document.createElement("span"));
    text.className = "spoiler-placeholder__text";
    // The same words for every run: only the buttons name stages.
    text.textContent = gettext("Results hidden (spoiler-free mode)");
    if (!want.mixed) {
      holder.appendChild(button(forStage(
        n, gettext("Reveal prologue"), gettext("Reveal stage %(n)s")
      ), "stage", want.spoils));
    }
    if (want.n > 1 || want.mixed) {
      holder.appendChild(button(forStage(
        n, gettext("Reveal up to prologue"), gettext("Reveal up to stage %(n)s")
      ), "upto", want.spoils));
    }
    return box;
  }

  // Without storage the mode cannot persist: it stays off and the switch hidden
  // (as spoilers-head.js decided).
  function storable() {
    try {
      localStorage.getItem(KEY);
      return true;
    } catch (error) {
      return false;
    }
  }

  function apply() {
    var state = load();
    var usable = storable();
    root.classList.toggle("spoiler-free", usable && state.on);
    document.querySelectorAll(".spoiler-switch").forEach(function (sw) {
      sw.hidden = !usable;
      sw.setAttribute("aria-pressed", state.on ? "true" : "false");
    });
    var marked = document.querySelectorAll("[data-spoils]");
    marked.forEach(function (el) {
      el.classList.toggle("spoiler-shown", !state.on || isRevealed(state, el.getAttribute("data-spoils")));
    });
    var kept = new Set();
    marked.forEach(function (el) {
      var want = state.on && isHidden(el) && parse(el.getAttribute("data-spoils")) ? need(el) : null;
      if (!want) {
        return;
      }
      var prev = el.previousElementSibling;
      if (prev && prev.classList.contains("spoiler-placeholder") &&
          prev.getAttribute("data-spoiler-for") === want.key) {
        kept.add(prev); // still right: left alone, so focus stays on its button
        return;
      }
      kept.add(el.parentNode.insertBefore(placeholder(el, want), el));
    });
    document.querySelectorAll(".spoiler-placeholder").forEach(function (box) {
      if (!kept.has(box)) {
        box.remove();
      }
    });
  }

  function schedule() {
    if (!pending) {
      pending = true;
      queueMicrotask(function () {
        pending = false;
        apply();
      });
    }
  }

  function announce(text) {
    var region = document.getElementById("spoiler-status");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () {
        region.textContent = text;
      }, 50);
    }
  }

  function reveal(state, spoils, upTo) {
    var found = parse(spoils);
    if (!found) {
      return;
    }
    var stages = state.stages[found.edition] || [];
    if (upTo) {
      state.revealed[found.edition] = Math.max(state.revealed[found.edition] || 0, found.n);
      state.stages[found.edition] = stages.filter(function (n) {
        return n > found.n;
      });
      announce(forStage(
        found.n,
        gettext("Results up to prologue shown."),
        gettext("Results up to stage %(n)s shown.")
      ));
    } else {
      if (stages.indexOf(found.n) === -1) {
        stages.push(found.n);
      }
      state.stages[found.edition] = stages;
      announce(forStage(
        found.n, gettext("Prologue result shown."), gettext("Stage %(n)s result shown.")
      ));
    }
  }

  function act(control) {
    var state = load();
    var action = control.getAttribute("data-spoiler-action");
    var next = null;
    if (control.classList.contains("spoiler-switch")) {
      state.on = !state.on;
      announce(state.on
        ? gettext("Spoiler-free mode on: results of stages you have not revealed are hidden.")
        : gettext("Spoiler-free mode off: all results shown."));
    } else if (control.hasAttribute("data-spoiler-off")) {
      state.on = false;
      next = document.querySelector(".spoiler-switch");
      announce(gettext("Spoiler-free mode off: all results shown."));
    } else if (control.hasAttribute("data-spoiler-reset")) {
      state.revealed = {};
      state.stages = {};
      announce(gettext("All results hidden again."));
    } else if (action) {
      var box = control.closest(".spoiler-placeholder");
      next = box && box.nextElementSibling;
      reveal(state, control.getAttribute("data-spoiler-target"), action === "upto");
    } else {
      return;
    }
    save(state);
    apply();
    if (next && next.isConnected) {
      if (!next.matches("a, button, input, select, textarea, [tabindex]")) {
        next.setAttribute("tabindex", "-1");
      }
      next.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var control = event.target.closest(
      ".spoiler-switch, [data-spoiler-action], [data-spoiler-off], [data-spoiler-reset]"
    );
    if (control) {
      act(control);
    }
  });
  document.addEventListener("htmx:load", schedule);
  document.addEventListener("htmx:afterSwap", schedule);
  document.addEventListener("htmx:historyRestore", schedule);
  window.addEventListener("pageshow", schedule);
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) {
      schedule();
    }
  });
  apply();
})();

// Sort the findings register by a column when its header button is pressed;
// the column's header says how it is sorted (aria-sort), the others that they
// are not.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.audit-register button.audit-sort").forEach(function (button) {
    button.addEventListener("click", function () {
      var table = button.closest("table");
      var col = parseInt(button.dataset.col, 10);
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var descending = button.dataset.dir === "asc";
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.sort || a.cells[col].textContent;
        var y = b.cells[col].dataset.sort || b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      button.dataset.dir = descending ? "desc" : "asc";
      table.querySelectorAll("thead th").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
      button.closest("th").setAttribute("aria-sort", descending ? "descending" : "ascending");
    });
  });

  // "Problems only": hide the rows that are not a problem in every register
  // table of the page (a table left empty says so), and say what is shown.
  var tools = document.querySelector(".audit-register-tools");
  if (!tools) return;
  var filter = tools.querySelector("button.audit-filter");
  var status = tools.querySelector(".audit-register-status");
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.audit-register"));
  var all = tables.reduce(function (n, t) { return n + t.tBodies[0].rows.length; }, 0);
  function show(only) {
    var shown = 0;
    tables.forEach(function (table) {
      var left = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var hide = only && row.dataset.problem !== "true";
        row.hidden = hide;
        if (!hide) left += 1;
      });
      shown += left;
      table.hidden = left === 0;
      var empty = table.nextElementSibling;
      if (!empty || !empty.classList.contains("audit-register-empty")) {
        empty = document.createElement("p");
        empty.className = "audit-register-empty";
        empty.textContent = "None of these checks finds a problem.";
        table.after(empty);
      }
      empty.hidden = left !== 0;
    });
    filter.setAttribute("aria-pressed", only ? "true" : "false");
    status.textContent = only
      ? "Showing the " + shown + " of " + all + " checks that find a problem."
      : "Showing all " + all + " checks.";
  }
  filter.addEventListener("click", function () { show(filter.getAttribute("aria-pressed") !== "true"); });
  tools.hidden = false;
  show(false);
});

// A marked figure opens its note on hover and keyboard focus; a tap, a click,
// Enter or Space pins it open and the same again closes it (even under the
// finger or pointer, or with focus still on the figure); Escape or a click
// elsewhere closes it.
// The note is placed in the viewport (position: fixed), never inside the
// quotation's box, which would clip it: above the figure when it fits there,
// so that it never covers the figures that follow (a tap on the next figure
// reaches that figure); below it only when a hover finds no room above. On a
// phone it spans the screen's width, and a tap that opens it scrolls the page
// so that it fits above the figure. It follows its figure as the page scrolls.
// With a mouse the note stays open while the pointer travels from the figure
// to it: a transparent bridge spans the gap between them (its height measured
// here) and the note closes only a moment after the pointer has left both.
document.addEventListener("DOMContentLoaded", function () {
  var HOVER_GRACE_MS = 350;
  var MARGIN = 8;  // px between the note and the figure, and the screen's edges
  var PHONE_MAX_WIDTH = 640;
  var claims = document.querySelectorAll(".audit-claim");
  function figureOf(claim) { return claim.querySelector(".audit-claim-figure"); }
  function noteOf(claim) { return claim.querySelector(".audit-note"); }
  // The bottom of the theme's sticky header: a note never slides under it.
  function topLimit() {
    var limit = 0;
    document.querySelectorAll(".bd-header, .bd-header-article").forEach(function (header) {
      var position = getComputedStyle(header).position;
      if (position !== "sticky" && position !== "fixed") return;
      var box = header.getBoundingClientRect();
      if (box.bottom > 0 && box.top <= 0 + 1) limit = Math.max(limit, box.bottom);
    });
    return limit;
  }
  // Put the note of ``claim`` beside its figure. ``side`` "above"/"below"
  // keeps the side chosen when it opened; ``scroll`` lets a tap move the page
  // to make room above the figure.
  function place(claim, side, scroll) {
    var note = noteOf(claim), figure = figureOf(claim);
    if (!note || !figure || getComputedStyle(note).display === "none") return;
    var width = document.documentElement.clientWidth, height = window.innerHeight, top = topLimit();
    var phone = width <= PHONE_MAX_WIDTH;
    // On a wide screen the note stays over the text column (the article), as
    // wide as it up to 640 px, starting near the figure.
    var article = (figure.closest("article") || document.body).getBoundingClientRect();
    var low = Math.max(MARGIN, article.left), high = Math.min(width - MARGIN, article.right);
    var noteWidth = phone ? width - 2 * MARGIN : Math.min(640, Math.max(320, high - low), width - 2 * MARGIN);
    var left = phone ? MARGIN : Math.min(high - noteWidth, figure.getBoundingClientRect().left - 16);
    note.style.width = noteWidth + "px";
    note.style.maxHeight = "";
    note.style.left = Math.max(MARGIN, Math.min(width - noteWidth - MARGIN, Math.max(low, left))) + "px";
    var need = note.getBoundingClientRect().height;
    var limit = Math.floor((height - top) / 2) - 2 * MARGIN;  // at most half the screen, scrolling inside beyond
    if (need > limit) { note.style.maxHeight = limit + "px"; need = limit; }
    var box = figure.getBoundingClientRect();
    if (scroll && box.top - top - 2 * MARGIN < need) {
      window.scrollBy(0, (box.top - top - 2 * MARGIN) - need);
      box = figure.getBoundingClientRect();
    }
    var roomAbove = box.top - top - 2 * MARGIN, roomBelow = height - box.bottom - 2 * MARGIN;
    if (!side) side = (roomAbove >= need || roomAbove >= roomBelow) ? "above" : "below";
    if (side === "above") {
      if (roomAbove < need && roomAbove > 40) { note.style.maxHeight = roomAbove + "px"; need = roomAbove; }
      note.style.top = (box.top - MARGIN - need) + "px";
    } else {
      if (roomBelow < need && roomBelow > 40) { note.style.maxHeight = roomBelow + "px"; need = roomBelow; }
      note.style.top = (box.bottom + MARGIN) + "px";
    }
    note.classList.toggle("audit-note-above", side === "above");
    note.dataset.side = side;
    // Scrolling inside clips the bridge: only a note too tall for its room scrolls.
    note.style.overflowY = note.style.maxHeight ? "auto" : "";
    note.style.setProperty("--audit-bridge", (MARGIN + 2) + "px");
  }
  function shown(claim) {
    var note = noteOf(claim);
    return note && getComputedStyle(note).display !== "none";
  }
  function close(except) {
    document.querySelectorAll(".audit-claim.audit-open, .audit-claim.audit-hover").forEach(function (claim) {
      if (claim === except) return;
      claim.classList.remove("audit-open", "audit-hover");
      var figure = figureOf(claim);
      if (figure) figure.setAttribute("aria-expanded", "false");
    });
  }
  function dismiss(claim) {
    claim.classList.remove("audit-open");
    claim.classList.add("audit-dismissed");
    var figure = figureOf(claim);
    if (figure) figure.setAttribute("aria-expanded", "false");
  }
  function toggle(figure) {
    var claim = figure.closest(".audit-claim");
    if (claim.classList.contains("audit-open")) { dismiss(claim); return; }
    close(claim);
    claim.classList.remove("audit-dismissed");
    claim.classList.add("audit-open");
    figure.setAttribute("aria-expanded", "true");
    place(claim, "above", true);
  }
  claims.forEach(function (claim) {
    var timer = null;
    claim.addEventListener("mouseenter", function () {
      clearTimeout(timer);
      // CSS shows the note on :hover already: a note open before (pinned or
      // focused) keeps its side, a new one takes the side with room.
      var kept = claim.classList.contains("audit-open") || claim.contains(document.activeElement);
      claim.classList.add("audit-hover");
      place(claim, kept ? noteOf(claim).dataset.side : null, false);
    });
    claim.addEventListener("focusin", function (event) {
      // Focus moving inside an open note (to its links) leaves it where it is.
      if (event.target.classList.contains("audit-claim-figure")) place(claim, null, false);
    });
    claim.addEventListener("mouseleave", function () {
      clearTimeout(timer);
      if (claim.classList.contains("audit-dismissed")) {  // closed already: nothing to keep open
        claim.classList.remove("audit-hover");
        if (!claim.contains(document.activeElement)) claim.classList.remove("audit-dismissed");
        return;
      }
      timer = setTimeout(function () {
        claim.classList.remove("audit-hover");
        // Closed by a click, it stays closed while the figure keeps the focus.
        if (!claim.contains(document.activeElement)) claim.classList.remove("audit-dismissed");
      }, HOVER_GRACE_MS);
    });
  });
  // An open note follows its figure, on the side it opened on.
  var pending = false;
  function follow() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      claims.forEach(function (claim) { if (shown(claim)) place(claim, noteOf(claim).dataset.side, false); });
    });
  }
  window.addEventListener("scroll", follow, { passive: true, capture: true });
  window.addEventListener("resize", follow);
  document.querySelectorAll(".audit-claim-figure").forEach(function (figure) {
    figure.addEventListener("click", function () { toggle(figure); });
    figure.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(figure); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var claim = document.activeElement && document.activeElement.closest(".audit-claim");
    document.querySelectorAll(".audit-claim.audit-open, .audit-claim.audit-hover").forEach(dismiss);
    // Focus keeps a note open: step out of it onto the figure, which Escape then leaves closed.
    if (claim) { dismiss(claim); figureOf(claim).focus(); }
  });
  document.addEventListener("focusin", function (event) {
    document.querySelectorAll(".audit-claim.audit-dismissed").forEach(function (claim) {
      if (!claim.contains(event.target) || event.target.classList.contains("audit-claim-figure") === false) {
        claim.classList.remove("audit-dismissed");
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest(".audit-claim")) return;
    close(null);
    document.querySelectorAll(".audit-claim.audit-dismissed").forEach(function (claim) {
      claim.classList.remove("audit-dismissed");
    });
  });
});

// Every visible code cell can be folded away (and back) with a button above it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("div.cell > div.cell_input").forEach(function (input, index) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "audit-code-toggle";
    input.id = input.id || "audit-code-" + index;
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-expanded", "true");
    button.textContent = "Hide code";
    button.addEventListener("click", function () {
      input.hidden = !input.hidden;
      button.setAttribute("aria-expanded", input.hidden ? "false" : "true");
      button.textContent = input.hidden ? "Show code" : "Hide code";
    });
    input.parentElement.insertBefore(button, input);
  });
});

// Search that finds the paper's figures. Sphinx's search splits "362.5" at the
// dot and drops terms made of digits, so a query holding a number or a number
// word is also matched against the figure index the build writes
// (paper_audit.present.sphinx_search, _static/figure-index.js, loaded by the
// search page only): the figures it matches lead the results, each to the
// chapter that discusses it and to the source text.
var AuditFigureSearch = (function () {
  "use strict";
  var NUMBER_WORDS = new RegExp("^(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|" +
    "fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|" +
    "hundreds?|thousands?|millions?|billions?|half|halves|thirds?|quarters?|fifths?|dozens?)$");
  // A number with thousands separators (22,735), a number with decimals
  // (2.4618), or a word; dashes, slashes and punctuation separate them.
  var TOKEN = /\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)*|[\p{L}]+/gu;

  function canonical(token) {
    if (!/^\d/.test(token)) return token;
    var plain = token.replace(/,/g, "");
    return plain.indexOf(".") < 0 ? plain : plain.replace(/0+$/, "").replace(/\.$/, "");
  }
  function tokens(text) {
    return (String(text || "").toLowerCase().match(TOKEN) || []).map(canonical);
  }
  function numeric(token) { return /^\d/.test(token) || NUMBER_WORDS.test(token); }
  function within(haystack, needle) {
    for (var i = 0; i + needle.length <= haystack.length; i++) {
      var j = 0;
      while (j < needle.length && haystack[i + j] === needle[j]) j++;
      if (j === needle.length) return true;
    }
    return false;
  }
  // The entries a query finds, best first: the figure as printed (4) or
  // written otherwise (3, "34" for "thirty-four"), a figure that holds the
  // query (2), a quoted sentence that holds it (1).
  function find(index, query) {
    var wanted = tokens(query);
    if (!wanted.length || !wanted.some(numeric)) return [];
    var found = [];
    (index.entries || []).forEach(function (entry, position) {
      var score = tokens(entry.figure).join(" ") === wanted.join(" ") ? 4 : 0;
      entry.keys.forEach(function (key) {
        var have = tokens(key);
        if (have.join(" ") === wanted.join(" ")) score = Math.max(score, 3);
        else if (within(have, wanted)) score = Math.max(score, 2);
      });
      if (!score && within(tokens(entry.context || entry.description), wanted)) score = 1;
      if (score) found.push({ entry: entry, score: score, position: position });
    });
    found.sort(function (a, b) { return b.score - a.score || a.position - b.position; });
    return found.map(function (match) { return match.entry; });
  }
  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  // Sphinx's results, [docname, title, anchor, description, score, filename],
  // best first: one per page a found figure leads to.
  function results(index, query) {
    var out = [];
    find(index, query).forEach(function (entry) {
      entry.links.forEach(function (link) {
        out.push([link[0], escape(entry.figure) + " · " + escape(link[2]), link[1], escape(entry.description),
          10000 - out.length, link[0]]);
      });
    });
    return out;
  }
  // Sphinx shows its results from the end of the list: the figures go last.
  function install() {
    if (typeof Search === "undefined" || typeof AUDIT_FIGURE_INDEX === "undefined" || Search.auditFigures) return;
    var stock = Search._performSearch;
    Search._performSearch = function (query) {
      return stock.apply(Search, arguments).concat(results(AUDIT_FIGURE_INDEX, query).reverse());
    };
    Search.auditFigures = true;
  }
  // audit.js comes before searchtools.js in the page: this runs before Search.init.
  install();
  document.addEventListener("DOMContentLoaded", install);
  return { tokens: tokens, find: find, results: results, install: install };
})();

// Printed pages say what they are: the book's title (written into the page by
// paper_audit.present.sphinx_print) and, set as the page is printed, its
// address and the date (never at build time: two builds stay identical).
// Code cells with nothing to show are marked so that print leaves them out.
document.addEventListener("DOMContentLoaded", function () {
  var header = document.querySelector(".audit-print-header");
  var printTop = document.getElementById("jb-print-docs-body");
  if (header && printTop) printTop.parentNode.insertBefore(header, printTop);
  // Nothing to show: folded away, the fold button itself, no text and no
  // picture; a cell whose every part is blank.
  function blank(element) {
    if (element.hidden || element.matches("button.audit-code-toggle")) return true;
    if (element.matches("div.cell")) return Array.prototype.every.call(element.children, blank);
    return !element.textContent.trim() && !element.querySelector("img, svg, iframe, video, canvas, table, math, input");
  }
  function prepare() {
    var lang = document.documentElement.lang || undefined;
    var date = new Date().toLocaleDateString(lang, { year: "numeric", month: "long", day: "numeric" });
    document.querySelectorAll(".audit-print-address").forEach(function (element) {
      element.textContent = window.location.href;
    });
    document.querySelectorAll(".audit-print-date").forEach(function (element) {
      element.textContent = "printed " + date;
    });
    document.querySelectorAll("div.cell, div.cell_input, div.cell_output").forEach(function (element) {
      element.classList.toggle("audit-print-empty", blank(element));
    });
  }
  prepare();
  window.addEventListener("beforeprint", prepare);
  // A printed page carries every fold's content (a flag's working, the
  // register's figures): browsers do not print the inside of a closed
  // <details>, so the folds open for printing and close after (audit.css does
  // the same in print where ::details-content is known). Folded code (myst-nb's
  // details.hide) is left off the paper by audit.css.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not(.hide)"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
});

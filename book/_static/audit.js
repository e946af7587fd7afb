// Sort the findings register by a column when its header button is pressed.
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
    });
  });
});

// A marked figure opens its note on hover and keyboard focus (CSS); a tap,
// a click, Enter or Space pins it open, Escape or a click elsewhere closes it.
document.addEventListener("DOMContentLoaded", function () {
  var figures = document.querySelectorAll(".audit-claim-figure");
  function close(except) {
    document.querySelectorAll(".audit-claim.audit-open").forEach(function (claim) {
      if (claim === except) return;
      claim.classList.remove("audit-open");
      claim.querySelector(".audit-claim-figure").setAttribute("aria-expanded", "false");
    });
  }
  function toggle(figure) {
    var claim = figure.closest(".audit-claim");
    var open = !claim.classList.contains("audit-open");
    close(claim);
    claim.classList.toggle("audit-open", open);
    figure.setAttribute("aria-expanded", open ? "true" : "false");
  }
  figures.forEach(function (figure) {
    figure.addEventListener("click", function () { toggle(figure); });
    figure.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(figure); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var claim = document.activeElement && document.activeElement.closest(".audit-claim");
    close(null);
    // Focus keeps a note open: step out of it onto the figure, which Escape then leaves closed.
    if (claim) { claim.classList.add("audit-dismissed"); claim.querySelector(".audit-claim-figure").focus(); }
  });
  document.addEventListener("focusin", function (event) {
    document.querySelectorAll(".audit-claim.audit-dismissed").forEach(function (claim) {
      if (!claim.contains(event.target) || event.target.classList.contains("audit-claim-figure") === false) {
        claim.classList.remove("audit-dismissed");
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".audit-claim")) close(null);
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

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

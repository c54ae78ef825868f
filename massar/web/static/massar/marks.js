// Mark sheet: keyboard moves between cells, and a column pasted from a spreadsheet spreads into
// the cells below. Without this file the sheet still works: htmx saves a row when a cell
// changes, and without htmx the form saves the whole sheet.
(function () {
  "use strict";

  var table = document.getElementById("marks-table");
  var form = document.getElementById("sheet-form");
  if (!table || !form) {
    return;
  }
  var body = table.tBodies[0];
  var rtl = window.getComputedStyle(table).direction === "rtl";

  function inputAt(rowIndex, cellIndex) {
    var row = body.rows[rowIndex];
    var cell = row && row.cells[cellIndex];
    return cell ? cell.querySelector("input:not([type='hidden'])") : null;
  }

  function place(input) {
    var cell = input.closest("td");
    return { row: cell.parentElement.sectionRowIndex, cell: cell.cellIndex };
  }

  function go(input, rows, cells) {
    var at = place(input);
    var next = inputAt(at.row + rows, at.cell + cells);
    if (next) {
      next.focus();
      next.select();
      return true;
    }
    return false;
  }

  body.addEventListener("focusin", function (event) {
    if (event.target.matches("input[inputmode='decimal']")) {
      event.target.select();
    }
  });

  body.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input") || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var key = event.key;
    if (key === "Enter" || key === "ArrowDown" || key === "ArrowUp") {
      // Enter would send the whole form: move to the pupil below instead (the row saves on change).
      event.preventDefault();
      go(input, key === "ArrowUp" || (key === "Enter" && event.shiftKey) ? -1 : 1, 0);
      return;
    }
    if (key !== "ArrowLeft" && key !== "ArrowRight") {
      return;
    }
    var length = input.value.length;
    var whole = input.selectionStart === 0 && input.selectionEnd === length;
    var forward = (key === "ArrowRight") !== rtl; // the next column, whichever way the page reads
    var atEdge = forward ? input.selectionStart === length : input.selectionEnd === 0;
    if ((whole || atEdge) && go(input, 0, forward ? 1 : -1)) {
      event.preventDefault();
    }
  });

  // A column (or block) pasted into a cell fills that cell and the ones below (and beside),
  // then the whole sheet is sent once: saved all together, or nothing with the errors shown.
  body.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[inputmode='decimal']")) {
      return;
    }
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\r\n\t]/.test(text)) {
      return;
    }
    event.preventDefault();
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    while (lines.length && !lines[lines.length - 1].trim()) {
      lines.pop();
    }
    var at = place(input);
    lines.forEach(function (line, down) {
      line.split("\t").forEach(function (value, across) {
        var target = inputAt(at.row + down, at.cell + across);
        if (target && target.getAttribute("inputmode") === "decimal") {
          target.value = value.trim();
        }
      });
    });
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });

  // After a save refused, mark the cells named by the row's status as invalid.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var status = event.target;
    if (!status || !status.id || status.id.indexOf("st-") !== 0) {
      return;
    }
    var row = document.getElementById("row-" + status.id.slice(3));
    if (!row) {
      return;
    }
    var invalid = (status.getAttribute("data-invalid") || "").split(" ");
    row.querySelectorAll("input[name]").forEach(function (field) {
      var name = field.name.slice(field.name.lastIndexOf(".") + 1);
      if (invalid.indexOf(name) >= 0) {
        field.setAttribute("aria-invalid", "true");
      } else {
        field.removeAttribute("aria-invalid");
      }
    });
  });
})();

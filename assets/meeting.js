/* Forum meetings (dashboard/meeting/): the clicker's keys. Glue only: Python decided what the
   previous and next slide are (the links #meeting-prev / #meeting-next) and which goals the board
   shows (.tk-board__goal links); this moves between them. Capture phase, so on these pages the
   clicker's keys are not also read as the explorer's year/indicator keys. */
(function () {
  "use strict";
  var NEXT = { PageDown: 1, ArrowRight: 1, ArrowDown: 1, " ": 1 };
  var PREV = { PageUp: 1, ArrowLeft: 1, ArrowUp: 1 };

  function formField(target) {
    var tag = (target && target.tagName ? target.tagName : "").toUpperCase();
    var role = target && target.getAttribute ? target.getAttribute("role") : null;
    return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable) || role === "slider";
  }

  function stepBoard(board, step) {
    var goals = Array.prototype.slice.call(board.querySelectorAll(".tk-board__goal"));
    if (!goals.length) return false;
    var at = goals.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : goals.length - 1) : Math.min(goals.length - 1, Math.max(0, at + step));
    goals[next].focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || formField(event.target)) return;
    var step = NEXT[event.key] ? 1 : PREV[event.key] ? -1 : 0;
    if (!step) return;
    var slide = document.querySelector(".tk-slide");
    if (slide) {
      var link = document.getElementById(step > 0 ? "meeting-next" : "meeting-prev");
      event.preventDefault();
      event.stopPropagation();
      if (link) link.click();
      return;
    }
    var board = document.querySelector(".tk-board:not(.tk-board--summary)");
    if (board && stepBoard(board, step)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();

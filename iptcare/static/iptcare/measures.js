// The crisis card appears right under the answer that raised it (swapped in by htmx as
// the answers are saved). When it first appears, focus moves to it once: a screen reader
// reads it, and a phone scrolls to it. Nothing holds the focus there: Tab goes on to the
// card's links and then the next question, and later saves leave the focus alone.
(function () {
  "use strict";
  var CARD = ".measures-crisis-slot .measures-crisis";
  var shown = false;

  function look() {
    var card = document.querySelector(CARD);
    if (card && !shown) {
      card.focus({ preventScroll: true });
      card.scrollIntoView({ block: "nearest" });
    }
    shown = Boolean(card);
  }

  document.addEventListener("DOMContentLoaded", function () {
    shown = Boolean(document.querySelector(CARD)); // already on the page: no jump
  });
  document.addEventListener("htmx:afterSettle", look);
})();

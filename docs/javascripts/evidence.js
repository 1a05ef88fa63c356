// The hover / focus cards of the evidence pages. Everything on those pages works without
// this script: each highlight ends in a link to its record, whose title says what it is.
// With it, hovering a highlight or focusing its number shows a card with the record's kind,
// title and whom the source credits; Escape hides it; clicking the highlighted words (not
// selecting them) follows its link.
(function () {
  "use strict";
  var card = null;
  var owner = null;

  function line(parent, cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    parent.appendChild(p);
  }

  function linkOf(mark) {
    var id = mark.id || mark.getAttribute("data-evidence");
    return document.querySelector('a.ev-ref[data-evidence="' + CSS.escape(id) + '"]');
  }

  function show(mark, near) {
    if (!card) {
      card = document.createElement("div");
      card.id = "ev-card";
      card.className = "ev-card";
      card.setAttribute("role", "tooltip");
      document.body.appendChild(card);
    }
    card.textContent = "";
    line(card, "ev-card-kind", mark.getAttribute("data-kind"));
    line(card, "ev-card-title", mark.getAttribute("data-title"));
    var credit = mark.getAttribute("data-attribution");
    line(card, "ev-card-credit", credit ? "The source credits " + credit + "."
                                        : "The document says it in its own voice.");
    line(card, "ev-card-record", mark.getAttribute("data-record"));
    card.hidden = false;
    var rects = near.getClientRects();
    var rect = rects.length ? rects[rects.length - 1] : near.getBoundingClientRect();
    var width = Math.min(card.offsetWidth, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    card.style.left = left + window.scrollX + "px";
    card.style.top = rect.bottom + window.scrollY + 6 + "px";
    if (owner) owner.classList.remove("ev-active");
    owner = mark;
    mark.classList.add("ev-active");
    if (near.matches("a.ev-ref")) near.setAttribute("aria-describedby", "ev-card");
  }

  function hide() {
    if (card) card.hidden = true;
    if (owner) owner.classList.remove("ev-active");
    owner = null;
  }

  function target(node) {
    return node instanceof Element ? node.closest("a.ev-ref, mark.ev") : null;
  }

  document.querySelectorAll("a.ev-ref[title]").forEach(function (link) {
    link.removeAttribute("title");  // the card replaces the browser's tooltip
  });
  document.addEventListener("focusin", function (event) {
    var node = target(event.target);
    if (node && node.matches("a.ev-ref")) show(node.closest("mark.ev"), node);
  });
  document.addEventListener("focusout", hide);
  document.addEventListener("mouseover", function (event) {
    var node = target(event.target);
    if (node) show(node.closest("mark.ev"), node);
  });
  document.addEventListener("mouseout", function (event) {
    if (target(event.target) && !target(event.relatedTarget)) {
      var focused = target(document.activeElement);
      if (focused) show(focused.closest("mark.ev"), focused); else hide();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });
  document.addEventListener("click", function (event) {
    var node = target(event.target);
    var selection = window.getSelection();
    if (!node || node.matches("a.ev-ref") || (selection && !selection.isCollapsed)) return;
    var link = linkOf(node.closest("mark.ev"));
    if (link) window.location.href = link.href;
  });
})();

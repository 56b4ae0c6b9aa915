// Search by name, switch between the terms and the card preview, and follow the dark colour scheme.
(() => {
  "use strict";
  const norm = (s) => s.toLowerCase().replace(/\s+/g, "");
  const $ = (sel) => document.querySelector(sel);
  const terms = [...document.querySelectorAll("article.entry")];
  const names = new Map(terms.map((a) => [a.dataset.term, norm(a.dataset.names)]));
  const search = $("#q");

  function filter() {
    const want = norm(search.value);
    for (const el of document.querySelectorAll("[data-term]")) {
      el.hidden = want !== "" && !names.get(el.dataset.term).includes(want);
    }
    for (const s of document.querySelectorAll("section.section, .toc > ol > li")) {
      s.hidden = !s.querySelector("[data-term]:not([hidden])");
    }
    const shown = terms.filter((a) => !a.hidden).length;
    $("#status").textContent = want ? `${shown}개 용어` : "";
    $(".empty").hidden = shown > 0;
  }

  function show(view) {
    for (const b of document.querySelectorAll("[data-view]")) {
      b.setAttribute("aria-pressed", String(b.dataset.view === view));
      document.getElementById(b.dataset.view).hidden = b.dataset.view !== view;
    }
  }

  search.addEventListener("input", filter);
  for (const b of document.querySelectorAll("[data-view]")) {
    b.addEventListener("click", () => {
      show(b.dataset.view);
      window.scrollTo(0, 0);
      history.replaceState(null, "", b.dataset.view === "cards" ? "#cards" : "#");
    });
  }
  // A link to a term (from the contents, even while the cards show) opens the terms view there.
  function follow() {
    show(location.hash === "#cards" ? "cards" : "terms");
    const target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && location.hash !== "#cards") target.scrollIntoView();
  }
  window.addEventListener("hashchange", follow);
  follow();

  // Image-occlusion cards: a box per mask the card lists (as Anki's reviewer paints them on its canvas):
  // the asked label's, the others' when the card hides all (occludeInactive), an outline on the answer.
  const ROLES = { "cloze": "active", "cloze-inactive": "inactive", "cloze-highlight": "highlight" };
  for (const box of document.querySelectorAll(".image-occlusion-container")) {
    const sheet = box.closest(".kind-occlusion");
    for (const div of sheet.querySelectorAll(".cloze, .cloze-inactive, .cloze-highlight")) {
      const d = div.dataset, role = ROLES[div.className];
      if (role === "inactive" && d.occludeinactive !== "1") continue;
      const mask = document.createElement("div");
      mask.className = `io-mask ${role}`;
      mask.style.left = `${parseFloat(d.left) * 100}%`;
      mask.style.top = `${parseFloat(d.top) * 100}%`;
      mask.style.width = `${parseFloat(d.width) * 100}%`;
      mask.style.height = `${parseFloat(d.height) * 100}%`;
      box.append(mask);
    }
    box.title = "눌러서 가림막 보이기/숨기기";
    box.addEventListener("click", () => box.classList.toggle("revealed"));
    const toggle = sheet.querySelector(".toggle");
    if (toggle) toggle.addEventListener("click", () => box.classList.toggle("revealed"));
  }

  // Anki's card stylesheet switches to night colours by a class, not by a media query.
  const dark = matchMedia("(prefers-color-scheme: dark)");
  const night = () => $(".deck-cards").classList.toggle("nightMode", dark.matches);
  dark.addEventListener("change", night);
  night();
})();

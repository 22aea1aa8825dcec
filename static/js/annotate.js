// The reading page's annotation layer: choose a passage by selecting it (mouse, touch or
// keyboard), open the form in the margin, keyboard shortcuts, and the phone drawer.
// Without this file everything still works: "Annotate" is a link to a form page, where a
// passage can be typed or pasted, and every action is an ordinary form.
//
// Offsets are measured in the paragraph's shown text (the textContent of its
// .para-content span); the server turns them into offsets in the stored text, where
// *emphasis* keeps its asterisks (annotations/anchoring.py).
(() => {
  const root = document.documentElement;
  root.classList.add("js-annotate");

  const status = (message) => {
    const region = document.getElementById("reader-status");
    if (!region) return;
    region.textContent = "";
    setTimeout(() => { region.textContent = message; }, 30);
  };

  const typing = (el) => el && (el.closest("input, textarea, select, [contenteditable='true']") !== null);

  // --- The passage being selected ------------------------------------------------------------

  function selectedPassage() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    const startEl = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    const endEl = range.endContainer.nodeType === 1 ? range.endContainer : range.endContainer.parentElement;
    const container = startEl && startEl.closest(".para-content");
    if (!container || !endEl || endEl.closest(".para-content") !== container) return null;
    const before = document.createRange();
    before.selectNodeContents(container);
    before.setEnd(range.startContainer, range.startOffset);
    let start = before.toString().length;
    let quote = range.toString();
    // Leave out the spaces a double-click or a drag picks up at either end.
    const lead = quote.length - quote.trimStart().length;
    quote = quote.trim();
    start += lead;
    if (!quote) return null;
    return { anchor: container.dataset.anchor, quote, start, end: start + quote.length, range };
  }

  // Small buttons beside the selection: "Annotate" (it is also the `a` shortcut) for those who
  // may annotate, and "Cite" (static/js/reader.js) where the paragraph can be cited.
  const floating = document.createElement("div");
  floating.className = "selection-tools";
  floating.hidden = true;
  const annotateButton = document.createElement("button");
  annotateButton.type = "button";
  annotateButton.className = "annotate-selection";
  annotateButton.innerHTML = '<span aria-hidden="true">+</span> Annotate selection';
  annotateButton.setAttribute("aria-keyshortcuts", "a");
  const citeButton = document.createElement("button");
  citeButton.type = "button";
  citeButton.className = "cite-selection";
  citeButton.textContent = "Cite selection";
  floating.append(annotateButton, citeButton);
  let current = null;

  function placeFloating() {
    const passage = selectedPassage();
    const link = passage && document.querySelector(`[data-annotate="${CSS.escape(passage.anchor)}"]`);
    const cite = passage && document.querySelector(`[data-cite="${CSS.escape(passage.anchor)}"]`);
    if (!passage || !(link || cite)) {
      floating.hidden = true;
      current = null;
      return;
    }
    annotateButton.hidden = !link;
    citeButton.hidden = !cite;
    current = passage;
    const rects = passage.range.getClientRects();
    const last = rects[rects.length - 1] || passage.range.getBoundingClientRect();
    floating.hidden = false;
    const top = window.scrollY + last.bottom + 6;
    const left = Math.min(window.scrollX + last.right - 20, window.scrollX + document.documentElement.clientWidth - floating.offsetWidth - 8);
    floating.style.top = `${top}px`;
    floating.style.left = `${Math.max(8, left)}px`;
  }

  let pending = null;
  document.addEventListener("selectionchange", () => {
    clearTimeout(pending);
    pending = setTimeout(placeFloating, 120);
  });
  // Keep the selection when a button is pressed (a mousedown elsewhere would clear it).
  floating.addEventListener("mousedown", (event) => event.preventDefault());
  annotateButton.addEventListener("click", () => { if (current) openForm(current.anchor, current); });
  citeButton.addEventListener("click", () => {
    if (!current) return;
    // The words as read: note markers (a superscript "3") are not part of the quotation.
    const words = current.range.cloneContents();
    words.querySelectorAll(".marker").forEach((marker) => marker.remove());
    floating.hidden = true;
    document.dispatchEvent(new CustomEvent("marginalia:cite", { detail: { anchor: current.anchor, quote: words.textContent.trim() } }));
  });

  // --- Opening the form in the margin ----------------------------------------------------------

  function openForm(anchor, passage) {
    const link = document.querySelector(`[data-annotate="${CSS.escape(anchor)}"]`);
    if (!link) return;
    const url = new URL(link.getAttribute("href"), window.location.href);
    if (passage) {
      url.searchParams.set("quote", passage.quote);
      url.searchParams.set("start", passage.start);
      url.searchParams.set("end", passage.end);
    }
    openDrawer(link.closest(".margin-notes"));
    if (!window.htmx) { window.location.href = url.href; return; }
    floating.hidden = true;
    // The link is the request's source: with none, htmx uses <body>, and drops this request
    // while any other body-sourced request is still in flight.
    window.htmx.ajax("GET", url.pathname + url.search, { source: link, target: `#f-${CSS.escape(anchor)}`, swap: "innerHTML" });
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    const form = event.detail.target.querySelector && (event.detail.target.matches("[data-annotation-form]")
      ? event.detail.target : event.detail.target.querySelector("[data-annotation-form]"));
    if (form) {
      form.closest(".margin-notes")?.classList.add("has-form");
      const first = form.querySelector("[aria-invalid='true']") || form.querySelector("textarea[name=body]");
      first?.focus();
      form.scrollIntoView({ block: "nearest" });
    }
  });

  // A form with errors (422) or an edit that lost a race (409) is shown in place, not dropped.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const code = event.detail.xhr.status;
    if (code === 422 || code === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a save, delete or restore the margin comes back whole: say so, keep focus near.
  document.addEventListener("htmx:afterSettle", (event) => {
    const margin = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".margin-notes");
    if (!margin || !margin.isConnected || margin.querySelector("[data-annotation-form]")) return;
    // A thread open in the margin says and focuses for itself (static/js/margin.js).
    if (event.detail.elt.closest(".margin-thread")) return;
    // A batch arriving (out of band) is not the reader's doing: focus stays where it is.
    if (isBatch(event)) return;
    const verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (verb === "post") status("Saved");
    // On a phone the margin is a drawer: after a save (or a delete, an undo) in it, it stays
    // open on what was just done rather than folding shut over the new note.
    if (verb === "post") openDrawer(margin);
    setUpDrawers(margin.parentElement || document);
    if (verb === "post" || verb === "get") {
      const para = margin.closest(".para");
      if (document.activeElement === document.body || !document.activeElement?.isConnected) para?.focus({ preventScroll: true });
    }
  });

  // --- A busy paper: margins that come later, a batch at a time ---------------------------------
  // The page brings its first margins; the rest say where their batch is (data-batch) and load
  // when one of its paragraphs comes near the view. The answer swaps them in out of band.
  const BATCH_RETRY_MS = 5000;
  // A batch is asked for once its paragraph is near the view and the page has stopped scrolling
  // for BATCH_DWELL_MS: a long scroll (a contents link, smooth) passes dozens of them, and
  // loading each made the text grow above the place the scroll was headed for.
  const BATCH_DWELL_MS = 200;
  const asked = new Set();
  const isBatch = (event) => asked.has(event.detail.requestConfig?.path);
  const near = new Map(); // paragraph -> window.scrollY when last looked at
  const ask = (para) => {
    if (!near.has(para) || !window.htmx) return;
    if (near.get(para) !== window.scrollY) { // still moving: look again once it rests
      near.set(para, window.scrollY);
      setTimeout(() => ask(para), BATCH_DWELL_MS);
      return;
    }
    nearView.unobserve(para);
    near.delete(para);
    const url = para.querySelector(".margin-notes[data-batch]")?.dataset.batch;
    if (!url || asked.has(url)) return;
    asked.add(url);
    window.htmx.ajax("GET", url, { source: para, swap: "none" });
  };
  const nearView = "IntersectionObserver" in window && new IntersectionObserver((entries) => {
    entries.forEach((entry) => {
      if (!entry.isIntersecting) { near.delete(entry.target); return; }
      near.set(entry.target, window.scrollY);
      setTimeout(() => ask(entry.target), BATCH_DWELL_MS);
    });
  }, { rootMargin: "50% 0px" });
  // Margins that grow above the reader push the text down; keep the paragraph at the top of
  // the window where it was (the browser's own scroll anchoring loses its anchor when the
  // margins around it are replaced).
  let anchor = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (!isBatch(event)) return;
    // The first paragraph that starts in the window (a taller one above may itself grow).
    const all = paragraphs();
    const para = all.find((p) => p.getBoundingClientRect().top >= 0) || all.find((p) => p.getBoundingClientRect().bottom > 0);
    anchor = para ? { para, top: para.getBoundingClientRect().top } : null;
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    if (!anchor || !isBatch(event)) return;
    const moved = anchor.para.getBoundingClientRect().top - anchor.top;
    if (Math.abs(moved) >= 1) window.scrollBy({ top: moved, behavior: "instant" });
    anchor = null;
  });
  const watch = (url) => document.querySelectorAll(".margin-notes[data-batch]").forEach((m) => {
    if (!url || m.dataset.batch === url) nearView.observe(m.closest(".para"));
  });
  document.addEventListener("DOMContentLoaded", () => { if (nearView) watch(); });
  // A batch that failed (the server or the network) is asked for again when next in view,
  // after a pause, so a server in trouble is not asked in a loop; meanwhile each margin links
  // to its notes.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful || !isBatch(event)) return;
    const url = event.detail.requestConfig.path;
    asked.delete(url);
    setTimeout(() => watch(url), BATCH_RETRY_MS);
  });

  // A drawer the reader opened before its batch arrived stays open (phones)...
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const incoming = event.detail.fragment?.firstElementChild;
    if (event.detail.target.matches?.(".margin-notes.is-open") && incoming?.matches(".margin-notes")) {
      incoming.classList.add("is-open");
    }
  });
  // ...and the swapped-in margins get their toggles.
  document.addEventListener("htmx:oobAfterSwap", (event) => {
    if (event.target.matches?.(".margin-notes")) setUpDrawers(event.target.parentElement);
  });

  // The tag field's value changes when a suggestion is picked; the server's suggestions keep
  // what was typed before the last comma. If the passage is edited by hand, the selection's
  // offsets no longer apply: the server then finds the typed words instead.
  document.addEventListener("input", (event) => {
    const field = event.target;
    if (field.name === "quote" && field.form?.matches("[data-annotation-form]")) {
      field.form.querySelectorAll("input[name=start], input[name=end]").forEach((input) => { input.value = ""; });
    }
  });

  // --- Keyboard -----------------------------------------------------------------------------------

  const paragraphs = () => [...document.querySelectorAll(".paper .para")];

  function focusedParagraph() {
    const active = document.activeElement?.closest?.(".para");
    if (active) return active;
    // Else the first paragraph whose top is on screen.
    return paragraphs().find((p) => p.getBoundingClientRect().bottom > 80) || null;
  }

  function move(step) {
    const all = paragraphs();
    const here = focusedParagraph();
    let index = here ? all.indexOf(here) : -1;
    if (document.activeElement?.closest?.(".para") || index < 0) index += step;
    const next = all[Math.max(0, Math.min(all.length - 1, index))];
    if (!next) return;
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "center", behavior: "auto" });
  }

  document.addEventListener("keydown", (event) => {
    const form = event.target.closest?.("[data-annotation-form]");
    if (form) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === "Escape") {
        event.preventDefault();
        const anchor = form.dataset.anchor;
        const cancel = form.querySelector("[data-cancel]");
        // Ask htmx directly: the form is focused on swap, before htmx has wired the link's
        // hx-get, and a bare click on it would only change the #hash.
        const url = cancel?.getAttribute("hx-get");
        if (url && window.htmx) window.htmx.ajax("GET", url, { source: cancel, target: `#m-${CSS.escape(anchor)}`, swap: "outerHTML" });
        else cancel?.click();
        setTimeout(() => document.getElementById(`p-${anchor}`)?.focus({ preventScroll: true }), 50);
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "a") {
      const passage = selectedPassage();
      const para = passage ? document.getElementById(`p-${passage.anchor}`) : focusedParagraph();
      if (!para || !para.querySelector("[data-annotate]")) return;
      event.preventDefault();
      openForm(para.id.slice(2), passage);
    }
  });

  // A passage chosen with the keyboard (static/js/passage_keys.js) is the page's selection:
  // it is annotated as a mouse selection is.
  document.addEventListener("marginalia:annotate-selection", () => {
    const passage = selectedPassage();
    if (passage) openForm(passage.anchor, passage);
  });

  // --- Highlights and cards point at each other --------------------------------------------------

  function light(id, on) {
    document.querySelectorAll("mark.hl").forEach((mark) => {
      if ((mark.dataset.annotations || "").split(" ").includes(id)) mark.classList.toggle("is-active", on);
    });
    document.getElementById(id)?.classList.toggle("is-active", on);
  }
  ["mouseover", "focusin"].forEach((type) => document.addEventListener(type, (event) => {
    const card = event.target.closest?.("[data-annotation]");
    if (card) light(card.dataset.annotation, true);
    const mark = event.target.closest?.("mark.hl");
    if (mark) mark.dataset.annotations.split(" ").forEach((id) => light(id, true));
  }));
  ["mouseout", "focusout"].forEach((type) => document.addEventListener(type, (event) => {
    const card = event.target.closest?.("[data-annotation]");
    if (card) light(card.dataset.annotation, false);
    const mark = event.target.closest?.("mark.hl");
    if (mark) mark.dataset.annotations.split(" ").forEach((id) => light(id, false));
  }));

  // --- Phones: the margin is a drawer under its paragraph ------------------------------------------

  function openDrawer(margin, open = true) {
    if (!margin) return;
    margin.classList.toggle("is-open", open);
    margin.querySelector(".margin-toggle")?.setAttribute("aria-expanded", String(open));
  }

  function setUpDrawers(scope) {
    scope.querySelectorAll(".margin-toggle").forEach((toggle) => {
      toggle.hidden = false;
      const margin = toggle.closest(".margin-notes");
      toggle.setAttribute("aria-expanded", String(margin.classList.contains("is-open")));
    });
  }

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest(".margin-toggle");
    if (toggle) {
      const margin = toggle.closest(".margin-notes");
      openDrawer(margin, !margin.classList.contains("is-open"));
    }
    // Tapping a highlight opens its paragraph's drawer and shows the note.
    const mark = event.target.closest("mark.hl");
    if (mark && !window.getSelection()?.toString()) {
      const para = mark.closest(".para");
      const margin = para?.querySelector(".margin-notes");
      openDrawer(margin);
      const first = mark.dataset.annotations.split(" ")[0];
      document.getElementById(first)?.scrollIntoView({ block: "nearest" });
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.body.append(floating);
    setUpDrawers(document);
  });
})();

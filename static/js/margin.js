// The reading page's margin beside the text: threads that open in place, and margins that
// never make a paragraph taller than its text.
//
// Threads: a card's "2 replies" / "Discuss" link loads the thread in place of the card (htmx,
// hx-get on the link); every form in the thread is sent with htmx and answered with the
// thread again (discussions.views._margin_thread), and "Close" brings the margin back. Without
// this file (or htmx) the link is the thread page, which works on its own.
//
// Folding: on a wide window a margin taller than its paragraph's text shows the notes that
// fit (at least one) and folds the rest behind "3 more notes"; pressing it unfolds them (the paragraph then
// grows, as asked, up to the larger of its text and most of the window: beyond, the notes
// scroll). A margin with a form or a thread open, or with focus inside, is left whole, and so
// is one the reader has just changed (their new note stays in view).
//
// More notes: "12 more notes on this paragraph…" (the server's margin holds MARGIN_LIMIT cards)
// loads the margin again with more cards in place (htmx; the link is the discussion page
// without it), unfolded, focus on the first note it brought. The grown margin says how many it
// holds (data-shown) and every request made in it asks for as many (the Margin-Shown header),
// so an edit, a closed thread or a live update there does not shrink it back.
(() => {
  const wide = window.matchMedia("(min-width: 60rem)");

  const say = (message) => {
    const region = document.getElementById("reader-status");
    if (!region || !message) return;
    region.textContent = "";
    setTimeout(() => { region.textContent = message; }, 30);
  };

  // --- Threads in the margin ---------------------------------------------------------------------

  document.addEventListener("submit", (event) => {
    const form = event.target;
    const thread = form.closest?.(".margin-thread");
    // The vote form has its own hx-post; everything else in a thread answers with the thread.
    if (!thread || !window.htmx || form.hasAttribute("hx-post")) return;
    event.preventDefault();
    const method = (form.getAttribute("method") || "post").toUpperCase();
    window.htmx.ajax(method, form.getAttribute("action"), { source: form, target: thread, swap: "outerHTML" });
  });

  let closing = null; // the thread being closed: focus goes back to its card's link
  let growing = null; // { anchor, from }: the margin asked for more notes, and how many it had
  document.addEventListener("click", (event) => {
    const close = event.target.closest?.("[data-thread-close]");
    if (close) closing = close.dataset.threadClose;
    const grow = event.target.closest?.("[data-grow]");
    if (grow && window.htmx) {
      const notes = grow.closest(".margin-notes");
      growing = { anchor: grow.dataset.grow, from: notes.querySelectorAll(".annotation-list > li").length };
    }
    const fold = event.target.closest?.(".margin-fold");
    if (fold) toggleFold(fold.closest(".margin-notes"));
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    if (!event.detail.successful && event.detail.elt?.matches?.("[data-grow]")) growing = null;
  });

  document.addEventListener("htmx:configRequest", (event) => {
    const grown = event.detail.elt?.closest?.(".margin-notes[data-shown]");
    if (grown && !event.detail.headers["Margin-Shown"]) event.detail.headers["Margin-Shown"] = grown.dataset.shown;
  });

  // On a phone the margin was the open drawer: the one swapped in stays open.
  function keepDrawerOpen(notes) {
    if (wide.matches) return;
    notes.classList.add("is-open");
    notes.querySelector(".margin-toggle")?.setAttribute("aria-expanded", "true");
  }

  document.addEventListener("htmx:load", (event) => {
    const elt = event.detail.elt;
    if (!elt?.matches) return;
    if (elt.matches(".margin-thread") && !elt.dataset.quiet) {
      const target = elt.dataset.focus && document.getElementById(elt.dataset.focus);
      (target || elt).setAttribute("tabindex", "-1");
      (target || elt).focus({ preventScroll: true });
      (target || elt).scrollIntoView({ block: "nearest" });
      say(elt.dataset.said || `Thread opened: ${elt.querySelector(".margin-thread-count")?.textContent.replace("·", "").trim()}`);
    } else if (elt.matches(".margin-thread")) {
      // A thread live.js brought up to date: the reader is elsewhere on the page.
    } else if (elt.matches(".vote-form") && elt.closest(".margin-thread")) {
      elt.querySelector("button")?.focus(); // the button pressed was swapped for its new state
    } else if (elt.matches(".margin-notes") && closing) {
      const link = document.getElementById(`a-${closing}`)?.querySelector("[data-thread-open]");
      closing = null;
      keepDrawerOpen(elt);
      link?.focus({ preventScroll: true });
      say("Thread closed");
    } else if (elt.matches(".margin-notes") && growing?.anchor === elt.dataset.anchor) {
      const { from } = growing;
      growing = null;
      keepDrawerOpen(elt);
      unfold(elt);
      const items = elt.querySelectorAll(".annotation-list > li");
      const first = items[from]?.querySelector(".annotation");
      if (first) {
        first.setAttribute("tabindex", "-1");
        first.focus({ preventScroll: true });
        first.scrollIntoView({ block: "nearest" });
      }
      const added = Math.max(items.length - from, 0);
      say(`${plural(added, "more note", "more notes")} shown`);
    }
  });

  // --- Folding a margin to its paragraph's height ---------------------------------------------------

  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

  function unfoldAll(notes) {
    notes.querySelectorAll(".is-folded").forEach((el) => el.classList.remove("is-folded"));
    notes.querySelector(".margin-fold")?.remove();
  }

  function foldButton(notes, label, expanded) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button margin-fold";
    button.textContent = label;
    button.setAttribute("aria-expanded", String(expanded));
    const body = notes.querySelector(".margin-body");
    if (body?.id) button.setAttribute("aria-controls", body.id);
    return button;
  }

  // What may be folded, in reading order: the cards, the link to the rest, the backlinks.
  const foldable = (notes) => [
    ...notes.querySelectorAll(".annotation-list > li"),
    ...notes.querySelectorAll(".margin-more, .backlinks"),
  ];

  const leaveWhole = (notes, asked) => notes.classList.contains("is-unfolded")
    || notes.querySelector(".margin-thread, [data-annotation-form], .margin-prompt-form, .guide-add-form")
    || (!asked && notes.contains(document.activeElement) && document.activeElement !== document.body);

  // Reads every margin's layout first, then writes: one layout for the whole page. `asked`:
  // the reader folded it, so focus inside does not keep it whole.
  // The first paragraph that starts in the window, and where: folding margins above it must not
  // move it (a batch arriving above the reader is swapped in whole, then folded here; without
  // this the text slid up by what the fold took away, and the view drifted down the paper).
  function placeInView() {
    const para = [...document.querySelectorAll(".paper .para")].find((p) => p.getBoundingClientRect().top >= 0);
    return para ? { para, top: para.getBoundingClientRect().top } : null;
  }

  function keepPlace(place) {
    if (!place || !place.para.isConnected) return;
    const moved = place.para.getBoundingClientRect().top - place.top;
    if (Math.abs(moved) >= 1) window.scrollBy({ top: moved, behavior: "instant" });
  }

  function fit(margins, asked = false) {
    const place = asked ? null : placeInView();
    const todo = [];
    margins.forEach((notes) => {
      if (!notes.isConnected || leaveWhole(notes, asked)) return;
      unfoldAll(notes);
      if (wide.matches) todo.push(notes);
    });
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const buttonHeight = 2 * rem;
    const plans = todo.map((notes) => {
      const text = notes.closest(".para")?.querySelector(".para-text");
      const top = notes.getBoundingClientRect().top;
      const height = notes.getBoundingClientRect().height;
      const room = text ? text.getBoundingClientRect().height : height;
      if (height <= room + 1) return null;
      const body = notes.querySelector(".margin-body");
      const tail = body ? notes.getBoundingClientRect().bottom - body.getBoundingClientRect().bottom : 0;
      const items = foldable(notes).map((el) => ({ el, bottom: el.getBoundingClientRect().bottom - top }));
      const count = notes.querySelector(".margin-count");
      const countBottom = count ? count.getBoundingClientRect().bottom - top : 0;
      let kept = 0;
      while (kept < items.length && items[kept].bottom + buttonHeight + tail <= room) kept += 1;
      // A margin shows at least its first note (pinned ones come first), even beside a heading.
      if (kept === 0 && items[0]?.el.matches("li")) kept = 1;
      return { notes, items, kept, hideCount: kept === 0 && countBottom + buttonHeight + tail > room };
    }).filter(Boolean);
    plans.forEach(({ notes, items, kept, hideCount }) => {
      const folded = items.slice(kept);
      if (!folded.length) return;
      folded.forEach(({ el }) => el.classList.add("is-folded"));
      if (hideCount) notes.querySelector(".margin-count")?.classList.add("is-folded");
      const cards = folded.filter(({ el }) => el.matches("li")).length;
      const beyond = Number(notes.querySelector(".margin-more")?.dataset.more || 0);
      const notesLeft = cards + (folded.some(({ el }) => el.matches(".margin-more")) ? beyond : 0);
      const label = notesLeft
        ? (kept === 0 ? plural(notesLeft, "note", "notes") : `${plural(notesLeft, "more note", "more notes")}`)
        : "Show the links";
      const button = foldButton(notes, label, false);
      const last = items[kept - 1]?.el;
      if (last && last.matches("li")) last.closest(".annotation-list").after(button);
      else if (last) last.after(button);
      else notes.querySelector(".margin-body")?.prepend(button);
    });
    keepPlace(place);
    observer?.takeRecords(); // our own changes are not news
  }

  function toggleFold(notes) {
    if (!notes) return;
    if (notes.classList.contains("is-unfolded")) {
      notes.classList.remove("is-unfolded");
      fit([notes], true);
      notes.querySelector(".margin-fold")?.focus();
      return;
    }
    const first = notes.querySelector(".is-folded:not(.margin-count)");
    const button = unfold(notes);
    // On to the first note that was folded, so the keyboard goes on where the eye does.
    const next = first?.querySelector(".annotation") || first || button;
    if (next !== button) next.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: true });
    say("All notes shown");
  }

  // Whole, with "Show fewer notes" after it when it is taller than its text. Its notes scroll
  // beyond the larger of the text and most of the window (--margin-room): fifty notes loaded
  // in place must not open a column of them beside a short paragraph.
  function unfold(notes) {
    unfoldAll(notes);
    notes.classList.add("is-unfolded");
    const text = notes.closest(".para")?.querySelector(".para-text");
    let button = null;
    if (wide.matches && text) {
      const room = Math.max(text.getBoundingClientRect().height, window.innerHeight * 0.6);
      notes.style.setProperty("--margin-room", `${Math.round(room)}px`);
    }
    if (wide.matches && text && notes.getBoundingClientRect().height > text.getBoundingClientRect().height + 1) {
      button = foldButton(notes, "Show fewer notes", true);
      notes.querySelector(".margin-body")?.after(button);
    }
    observer?.takeRecords();
    return button;
  }

  // A margin that comes back after the reader's own change (a note saved, deleted, restored)
  // stays whole, so the note they just wrote is in view.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.requestConfig?.verb !== "post") return;
    const id = event.detail.target?.id;
    const notes = id && document.getElementById(id);
    if (notes?.matches?.(".paper .margin-notes")) unfold(notes);
  });

  const allMargins = () => [...document.querySelectorAll(".paper .margin-notes")];

  // Margins change when htmx swaps them, a batch arrives or a live update merges new notes.
  let queued = new Set();
  let frame = 0;
  const schedule = (notes) => {
    queued.add(notes);
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; const run = [...queued]; queued = new Set(); fit(run); });
  };
  const observer = "MutationObserver" in window && new MutationObserver((records) => {
    records.forEach((record) => {
      const notes = record.target.closest?.(".margin-notes")
        || [...record.addedNodes].find((n) => n.matches?.(".margin-notes"));
      if (notes) schedule(notes);
    });
  });

  let resizing = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => allMargins().forEach(schedule), 150);
  });
  wide.addEventListener?.("change", () => allMargins().forEach(schedule));
  // Leaving a margin (focus out) lets it fold again; unfolded by the reader, it stays so.
  document.addEventListener("focusout", (event) => {
    const notes = event.target.closest?.(".paper .margin-notes");
    if (notes) setTimeout(() => { if (!notes.contains(document.activeElement)) schedule(notes); }, 0);
  });

  function start() {
    const body = document.querySelector(".paper");
    if (!body) return;
    fit(allMargins());
    // Folding moved what is above the place the address names: go back to it.
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && window.scrollY > 0) target.scrollIntoView({ block: "start" });
    observer?.observe(body, { childList: true, subtree: true });
    document.fonts?.ready.then(() => allMargins().forEach(schedule));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

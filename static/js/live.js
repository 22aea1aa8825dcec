// Live updates on the reading page: new notes, replies and votes others post appear in the
// margin without a reload, and notes edited, deleted, hidden or restored change there too. Server-Sent Events (EventSource resumes with Last-Event-ID by
// itself); if the stream cannot be opened, polling with ETag/304 instead. New notes are merged
// into the margin quietly: nothing the reader is typing or reading is replaced, the page does
// not scroll, and a small indicator offers to show what is new. Also: the heat strip's keys.
(function () {
  "use strict";
  const root = document.getElementById("live");
  if (!root) return;
  const indicator = document.getElementById("live-indicator");
  const status = document.getElementById("live-status");
  const fresh = [];          // ids of notes that arrived and have not been looked at yet
  const pending = new Map(); // anchor -> timer: several events on one paragraph, one fetch
  const latest = new Map();  // anchor -> number of its newest fetch: an older answer is dropped

  // --- Merging a paragraph's margin -------------------------------------------------------

  function marginUrl(anchor) {
    return root.dataset.margin.replace("__anchor__", encodeURIComponent(anchor)) + (root.dataset.filter || "");
  }

  function busy(element) {
    // Someone is typing, has a form or menu open, or has focus inside: leave it as it is.
    if (!element) return false;
    if (element.contains(document.activeElement) && document.activeElement !== document.body) return true;
    return Boolean(element.querySelector("details[open], form:not(.inline-form) textarea, .is-editing"));
  }

  // Only a margin near the view is fetched when its paragraph changes: in a class every event
  // reaches every reader, and a fetch per reader per event is what a busy paper cannot afford.
  // A margin further away is marked stale and fetched when it comes near; one still pending
  // (its batch not asked for yet) will come fresh with its batch.
  let focusOnArrival = null; // the anchor the indicator was pressed for, its margin still coming
  const stale = new Map(); // anchor -> {notes: arrived while away from the view, pending: its batch not loaded}
  const nearView = "IntersectionObserver" in window && new IntersectionObserver((entries) => {
    entries.forEach((entry) => {
      if (!entry.isIntersecting) return;
      nearView.unobserve(entry.target);
      const anchor = entry.target.querySelector(".margin-notes")?.dataset.anchor;
      if (stale.has(anchor)) schedule(anchor);
    });
  }, { rootMargin: "50% 0px" });

  function isNearView(element) {
    const box = element.getBoundingClientRect();
    const reach = window.innerHeight / 2;
    return box.bottom >= -reach && box.top <= window.innerHeight + reach;
  }

  function schedule(anchor, isNew = false) {
    const margin = document.getElementById("m-" + anchor);
    if (!margin) return;
    const waitsForBatch = margin.classList.contains("is-pending");
    const paragraph = margin.closest(".para") || margin; // in the flow at every size (a phone's margin is a drawer)
    if (waitsForBatch || (nearView && !isNearView(paragraph))) {
      const notes = (stale.get(anchor)?.notes || 0) + (isNew ? 1 : 0);
      stale.set(anchor, { notes, pending: waitsForBatch });
      if (!waitsForBatch) nearView.observe(paragraph);
      showIndicator();
      return;
    }
    stale.delete(anchor);
    if (pending.has(anchor)) return;
    pending.set(anchor, setTimeout(() => { pending.delete(anchor); refresh(anchor); }, 250));
  }

  async function refresh(anchor) {
    const current = document.getElementById("m-" + anchor);
    if (!current) return;
    const number = (latest.get(anchor) || 0) + 1;
    latest.set(anchor, number);
    let response, body;
    try {
      // A margin the reader grew in place ("12 more notes") comes back as large (static/js/margin.js).
      const headers = { "HX-Request": "true" };
      if (current.dataset.shown) headers["Margin-Shown"] = current.dataset.shown;
      response = await fetch(marginUrl(anchor), { credentials: "same-origin", headers });
      body = await response.text();
    } catch (e) { return; }
    // A fetch begun after this one (a later change) may have answered first: keep the newer margin.
    if (!response.ok || latest.get(anchor) !== number) return;
    const html = new DOMParser().parseFromString(body, "text/html");
    const incoming = html.getElementById("m-" + anchor);
    if (!incoming) return;
    const before = new Set(Array.from(current.querySelectorAll(".annotation")).map((card) => card.id));
    const currentBody = current.querySelector(".margin-body");
    const incomingBody = incoming.querySelector(".margin-body");
    if (currentBody && incomingBody && !busy(currentBody)) {
      currentBody.replaceChildren(...incomingBody.childNodes);
    } else if (currentBody && incomingBody) {
      insertNewItems(currentBody, incomingBody, before);
    } else if (!busy(current)) {
      current.replaceWith(incoming);
    }
    syncWithheld(anchor, incoming);
    // The counts on the toggle (phones) follow.
    const count = incoming.querySelector(".margin-toggle-count");
    const mine = document.getElementById("m-" + anchor).querySelector(".margin-toggle-count");
    if (count && mine) mine.textContent = count.textContent;
    const toggle = document.getElementById("m-" + anchor).querySelector(".margin-toggle");
    if (toggle && incoming.querySelector(".margin-toggle")) toggle.hidden = incoming.querySelector(".margin-toggle").hidden;
    // The passage highlights in the text, unless the reader is selecting in it.
    const text = html.getElementById("t-" + anchor);
    const shownText = document.getElementById("t-" + anchor);
    const selection = window.getSelection();
    if (text && shownText && !(selection && !selection.isCollapsed && shownText.contains(selection.anchorNode))) {
      text.removeAttribute("hx-swap-oob");
      shownText.replaceWith(text);
    }
    const margin = document.getElementById("m-" + anchor);
    margin.querySelectorAll(".annotation").forEach((card) => {
      if (!before.has(card.id)) {
        card.classList.add("live-new");
        fresh.push(card.id);
      }
    });
    if (margin.querySelector(".annotation.live-new")) margin.classList.add("has-notes");
    if (window.htmx) window.htmx.process(margin);
    if (focusOnArrival === anchor) {
      focusOnArrival = null;
      const first = margin.querySelector(".annotation.live-new");
      if (first) focusCard(first);
    }
    showIndicator();
  }

  // "N classmates' notes — post yours to see them": the margin's line and the heat cell's
  // tooltip say what the server now counts (a "waiting" event: one more was posted).
  function syncWithheld(anchor, incoming) {
    const margin = document.getElementById("m-" + anchor);
    const line = incoming.querySelector(".margin-withheld");
    const shown = margin.querySelector(".margin-withheld");
    if (line && shown && line !== shown) shown.replaceWith(line);
    else if (line) margin.querySelector(".margin-body").before(line);
    else if (shown) shown.remove();
    if (line) margin.classList.add("has-notes");
    const cell = strip && strip.querySelector(`.heat-cell[data-anchor="${CSS.escape(anchor)}"]`);
    if (!cell) return;
    const words = line ? line.textContent.trim() : "";
    if (words === (cell.dataset.withheld || "")) return;
    if (words) cell.dataset.withheld = words; else delete cell.dataset.withheld;
    relabelHeat();
  }

  function insertNewItems(currentBody, incomingBody, before) {
    let list = currentBody.querySelector(".annotation-list");
    const incomingList = incomingBody.querySelector(".annotation-list");
    if (!incomingList) return;
    if (!list) {
      list = incomingList.cloneNode(false);
      currentBody.prepend(list);
    }
    // Each item of the list holds one card (templates/annotations/_card.html).
    Array.from(incomingList.children).forEach((li, index) => {
      if (before.has(li.querySelector(".annotation")?.id)) return;
      const next = list.children[index] || null;
      list.insertBefore(li.cloneNode(true), next);
    });
  }

  // --- The indicator ------------------------------------------------------------------------

  function elsewhere() {
    // [anchor, notes] for paragraphs away from the view with new notes not fetched yet (a
    // margin whose batch has loaded since has them: no longer counted).
    for (const [anchor, entry] of stale) {
      if (entry.pending && !document.getElementById("m-" + anchor)?.classList.contains("is-pending")) stale.delete(anchor);
    }
    return Array.from(stale, ([anchor, entry]) => [anchor, entry.notes]).filter(([, notes]) => notes > 0);
  }

  function showIndicator() {
    const waiting = fresh.filter((id) => document.getElementById(id));
    fresh.length = 0;
    fresh.push(...waiting);
    const count = waiting.length + elsewhere().reduce((sum, [, notes]) => sum + notes, 0);
    if (!count) { indicator.hidden = true; return; }
    const text = count === 1 ? "1 new note" : count + " new notes";
    indicator.querySelector(".live-indicator-text").textContent = text;
    indicator.hidden = false;
    status.textContent = text + " in the margin.";
  }

  indicator.addEventListener("click", () => {
    const id = fresh.shift();
    const item = id && document.getElementById(id);
    const away = !item && elsewhere()[0];
    if (away) {
      // Its margin is fetched on the way there; its first new note then takes the focus.
      focusOnArrival = away[0];
      document.getElementById("p-" + away[0])?.scrollIntoView({ block: "center", behavior: "smooth" });
      schedule(away[0]);
    } else if (item) {
      item.closest(".para")?.scrollIntoView({ block: "center", behavior: "smooth" });
      focusCard(item);
    }
    showIndicator();
  });

  function focusCard(item) {
    item.classList.remove("live-new");
    item.setAttribute("tabindex", "-1");
    item.focus({ preventScroll: true });
    const i = fresh.indexOf(item.id);
    if (i >= 0) fresh.splice(i, 1);
  }

  // A new note the reader scrolls to on their own counts as seen.
  if ("IntersectionObserver" in window) {
    const seen = new IntersectionObserver((entries) => {
      entries.forEach((entry) => {
        if (!entry.isIntersecting) return;
        const id = entry.target.id;
        setTimeout(() => {
          entry.target.classList.remove("live-new");
          const i = fresh.indexOf(id);
          if (i >= 0) { fresh.splice(i, 1); showIndicator(); }
        }, 4000);
        seen.unobserve(entry.target);
      });
    });
    new MutationObserver(() => {
      document.querySelectorAll(".annotation.live-new").forEach((card) => seen.observe(card));
    }).observe(document.querySelector(".reader") || document.body, { childList: true, subtree: true });
  }

  // --- The heat strip -----------------------------------------------------------------------

  const strip = document.getElementById("heat-strip");

  function bumpHeat(anchor) {
    if (!strip) return;
    const cell = strip.querySelector(`.heat-cell[data-anchor="${CSS.escape(anchor)}"]`);
    if (!cell) return;
    cell.dataset.count = String(Number(cell.dataset.count || 0) + 1);
    relabelHeat();
  }

  function relabelHeat() {
    const cells = Array.from(strip.querySelectorAll(".heat-cell"));
    const busiest = Math.max(...cells.map((c) => Number(c.dataset.count || 0)));
    cells.forEach((c, index) => {
      const count = Number(c.dataset.count || 0);
      const level = count ? Math.max(1, Math.min(5, Math.ceil((count * 5) / busiest))) : 0;
      c.className = "heat-cell heat-" + level;
      let link = c.querySelector("a");
      if ((count || c.dataset.withheld) && !link) {
        link = document.createElement("a");
        link.className = "heat-link";
        link.href = "#p-" + c.dataset.anchor;
        link.tabIndex = -1;
        c.appendChild(link);
      }
      if (link) {
        // The same words as the page's own label and tooltip, notes still held back included.
        const parts = [count ? `${count} note${count === 1 ? "" : "s"}` : "", c.dataset.withheld || ""].filter(Boolean);
        const label = `¶ ${index + 1}: ${parts.join("; ")}`;
        link.setAttribute("aria-label", label);
        link.title = label;
      }
    });
    rovingTabindex();
  }

  function links() { return strip ? Array.from(strip.querySelectorAll(".heat-link")) : []; }

  function rovingTabindex(active) {
    const all = links();
    if (!all.length) return;
    const current = active || all.find((a) => a.tabIndex === 0) || all[0];
    all.forEach((a) => { a.tabIndex = a === current ? 0 : -1; });
  }

  if (strip) {
    rovingTabindex();
    strip.addEventListener("keydown", (event) => {
      const all = links();
      const at = all.indexOf(document.activeElement);
      if (at < 0) return;
      let next = null;
      if (event.key === "ArrowDown" || event.key === "ArrowRight") next = all[Math.min(at + 1, all.length - 1)];
      else if (event.key === "ArrowUp" || event.key === "ArrowLeft") next = all[Math.max(at - 1, 0)];
      else if (event.key === "Home") next = all[0];
      else if (event.key === "End") next = all[all.length - 1];
      if (!next) return;
      event.preventDefault();
      rovingTabindex(next);
      next.focus();
    });
    strip.addEventListener("click", (event) => {
      const link = event.target.closest(".heat-link");
      if (!link) return;
      event.preventDefault();
      rovingTabindex(link);
      const target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) {
        history.replaceState(null, "", link.getAttribute("href"));
        target.scrollIntoView({ block: "start" });
        target.focus({ preventScroll: true });
      }
    });
  }

  // --- Receiving events ---------------------------------------------------------------------

  // Notes already counted in the heat strip and on their thread's card: those on the page, and
  // every one that comes onto it (a reply posted from the page's own thread is shown there
  // before its event arrives, which may be after the thread is closed again).
  const counted = new Set(Array.from(document.querySelectorAll(".annotation")).map((card) => card.id));
  new MutationObserver(() => {
    document.querySelectorAll(".annotation[id]").forEach((card) => counted.add(card.id));
  }).observe(document.querySelector(".reader") || document.body, { childList: true, subtree: true });

  // The newest event the page showed when it was built: the stream's catch-up (a few seconds
  // before the page) sends those again, and counting them would count them twice.
  const shownAfter = Number(root.dataset.shownAfter || 0);

  function receive(data) {
    if (!data || !data.paragraph) return;
    if (Number(data.id) <= shownAfter) return;
    // A classmate's note held back from this reader: only the waiting count changes.
    if (data.kind === "waiting") { schedule(data.paragraph); return; }
    // A vote brings the note's new count: the card shows it, nothing is fetched.
    if (data.kind === "vote") { showVotes(data.annotation, data.votes); return; }
    if (data.kind === "annotation" || data.kind === "reply") {
      const id = "a-" + data.annotation;
      if (counted.has(id) || document.getElementById(id)) return; // e.g. mine, posted from this page
      counted.add(id);
      bumpHeat(data.paragraph);
      if (data.kind === "reply" && data.root) countReply(data.root);
      else schedule(data.paragraph, true);
      return;
    }
    schedule(data.paragraph);
  }

  // --- What an event says in full: a vote's count, a reply on a thread ---------------------
  // Every reader of a note sees the same count, so the event carries it; in a class, a fetch
  // per reader per vote or reply was most of what the server did.

  function votesLabel(votes) { return votes + (votes === 1 ? " vote" : " votes"); }

  function showVotes(id, votes) {
    const card = document.getElementById("a-" + id);
    if (!card || typeof votes !== "number") return;
    const footer = card.querySelector(":scope > .annotation-actions");
    if (!footer) return;
    footer.querySelectorAll(".vote-count").forEach((count) => { count.textContent = String(votes); });
    footer.querySelectorAll(".vote-static").forEach((label) => label.setAttribute("aria-label", votesLabel(votes)));
    footer.querySelectorAll(".vote-button").forEach((button) => {
      button.setAttribute("aria-label", button.getAttribute("aria-label").replace(/\(.*\)$/, `(${votesLabel(votes)})`));
    });
  }

  function repliesText(n) { return n === 1 ? "1 reply" : n + " replies"; }

  function countReply(root) {
    // The thread open in the margin shows the reply itself, unless the reader is writing in it
    // (their post brings the thread back whole).
    const thread = document.getElementById("mt-" + root);
    if (thread) {
      if (!writingIn(thread)) reloadThread(thread);
      return;
    }
    // A card shows how many replies its thread has: one more (this reader may see the reply,
    // or the event would not have come; one the page already showed was passed over).
    const link = document.getElementById("a-" + root)?.querySelector(":scope > .annotation-actions [data-replies]");
    if (!link) return;
    const n = Number(link.dataset.replies || 0) + 1;
    link.dataset.replies = String(n);
    link.textContent = repliesText(n);
  }

  function writingIn(thread) {
    // A thread always holds its reply form: busy only with focus in it, a box open or words typed.
    if (thread.contains(document.activeElement)) return true;
    if (thread.querySelector("details[open]")) return true;
    return Array.from(thread.querySelectorAll("textarea, input[type=text]")).some((field) => field.value.trim());
  }

  async function reloadThread(thread) {
    let body;
    try {
      const response = await fetch(thread.dataset.src, { credentials: "same-origin", headers: { "HX-Request": "true" } });
      if (!response.ok) return;
      body = await response.text();
    } catch (e) { return; }
    const incoming = new DOMParser().parseFromString(body, "text/html").getElementById(thread.id);
    const current = document.getElementById(thread.id);
    if (!incoming || !current || writingIn(current)) return;
    const before = new Set(Array.from(current.querySelectorAll(".annotation")).map((card) => card.id));
    incoming.dataset.quiet = "true"; // margin.js: not a thread the reader opened, the focus stays
    current.replaceWith(incoming);
    incoming.querySelectorAll(".annotation").forEach((card) => { if (!before.has(card.id)) card.classList.add("live-new"); });
    if (window.htmx) window.htmx.process(incoming);
  }

  let polling = false;
  let after = null;

  function startPolling() {
    if (polling) return;
    polling = true;
    root.dataset.mode = "polling";
    let etag = null;
    let interval = 10;
    async function tick() {
      const url = new URL(root.dataset.poll, window.location.href);
      if (after !== null) url.searchParams.set("after", after);
      else url.searchParams.set("since", root.dataset.since);
      try {
        const headers = etag ? { "If-None-Match": etag } : {};
        const response = await fetch(url, { credentials: "same-origin", headers, cache: "no-store" });
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          const body = await response.json();
          interval = body.interval || interval;
          body.events.forEach(receive);
          after = body.last;
        }
      } catch (e) { /* offline for a moment: try again later */ }
      setTimeout(tick, interval * 1000);
    }
    tick();
  }

  function startStream() {
    if (!("EventSource" in window)) { startPolling(); return; }
    const url = new URL(root.dataset.stream, window.location.href);
    url.searchParams.set("since", root.dataset.since);
    const source = new EventSource(url);
    let opened = false;
    // A server that cannot stream (WSGI buffers the whole answer) never opens: poll instead.
    const giveUp = setTimeout(() => { if (!opened) { source.close(); startPolling(); } }, 8000);
    source.onopen = () => { opened = true; clearTimeout(giveUp); root.dataset.mode = "stream"; };
    ["annotation", "reply", "vote", "waiting", "change"].forEach((kind) => {
      source.addEventListener(kind, (event) => {
        after = Number(event.lastEventId) || after;
        try { receive(JSON.parse(event.data)); } catch (e) { /* a malformed event is skipped */ }
      });
    });
    source.onerror = () => {
      // EventSource retries by itself (with Last-Event-ID). A stream that never opened
      // (a WSGI-only server, a proxy that buffers) is given up for polling.
      if (!opened || source.readyState === EventSource.CLOSED) {
        clearTimeout(giveUp);
        source.close();
        startPolling();
      }
    };
  }

  startStream();
})();

// The reading page: copy a paragraph's permalink or its citation, and move focus to where
// in-page links land. Without this file every control still works: a permalink is an ordinary
// link, and "Cite" a link to the citation's own page.
(() => {
  const status = () => document.getElementById("reader-status");

  function announce(message) {
    const region = status();
    if (!region) return;
    region.textContent = "";
    // A fresh text node after a tick, so screen readers announce a repeated message too.
    setTimeout(() => { region.textContent = message; }, 30);
  }

  async function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    // Pages served over plain http on a LAN have no async clipboard.
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.append(field);
    field.select();
    const ok = document.execCommand("copy");
    field.remove();
    if (!ok) throw new Error("copy refused");
  }

  // With JavaScript the permalink becomes a copy button (it stays a link, so a middle-click
  // or "copy link address" still works).
  function enhancePermalinks(root) {
    root.querySelectorAll("[data-copy-link]").forEach((link) => {
      link.setAttribute("title", "Copy link to this paragraph");
      const label = link.querySelector(".visually-hidden");
      if (label) label.textContent = "Copy link to this paragraph";
    });
  }

  document.addEventListener("click", async (event) => {
    const link = event.target.closest("[data-copy-link]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const url = new URL(link.getAttribute("href"), window.location.href).href;
    try {
      await copy(url);
      link.classList.add("is-copied");
      link.dataset.feedback = "Link copied";
      announce("Link to this paragraph copied");
      setTimeout(() => link.classList.remove("is-copied"), 1600);
    } catch {
      // Could not copy: go to the permalink instead, so it is in the address bar to copy by hand.
      window.location.hash = new URL(url).hash;
      announce("Could not copy; the link is in the address bar");
    }
  });

  // "Cite": the paragraph's citation (the server's, reader.rendering.citation) in a panel under
  // its text, with a passage's words first when a selection is cited (static/js/annotate.js
  // sends "marginalia:cite").
  async function openCitation(anchor, quote) {
    const link = document.querySelector(`[data-cite="${CSS.escape(anchor)}"]`);
    if (!link) return;
    const url = new URL(link.getAttribute("href"), window.location.href);
    if (quote) url.searchParams.set("quote", quote);
    let html;
    try {
      const response = await fetch(url, { headers: { "HX-Request": "true" } });
      if (!response.ok) throw new Error(`${response.status}`);
      html = await response.text();
    } catch {
      window.location.href = url.href; // the citation's own page says what went wrong, or shows it
      return;
    }
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const panel = holder.querySelector(".cite-panel");
    document.getElementById(panel.id)?.remove();
    link.closest(".para-text").append(panel);
    enhanceCitations(panel);
    link.setAttribute("aria-expanded", "true");
    panel.querySelector("[data-copy-citation]").focus();
  }

  function closeCitation(panel) {
    const link = document.querySelector(`[data-cite="${CSS.escape(panel.id.slice("cite-".length))}"]`);
    panel.remove();
    link?.setAttribute("aria-expanded", "false");
    link?.focus();
  }

  function enhanceCitations(root) {
    root.querySelectorAll("[data-copy-citation]").forEach((button) => { button.hidden = false; });
  }

  document.addEventListener("click", async (event) => {
    const cite = event.target.closest("[data-cite]");
    if (cite && event.button === 0 && !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)) {
      event.preventDefault();
      openCitation(cite.dataset.cite);
      return;
    }
    const close = event.target.closest("[data-close-citation]");
    if (close) closeCitation(close.closest(".cite-panel"));
    const button = event.target.closest("[data-copy-citation]");
    if (!button) return;
    const text = document.getElementById(button.dataset.copyCitation);
    const said = button.parentElement.querySelector(".cite-copied");
    try {
      await copy(text.textContent.trim());
      said.textContent = "Copied";
    } catch {
      // Selected, so the reader's own copy (Ctrl+C, or the phone's menu) takes it.
      window.getSelection().selectAllChildren(text);
      said.textContent = "Could not copy: the citation is selected, copy it from there";
    }
  });
  document.addEventListener("keydown", (event) => {
    const panel = event.key === "Escape" && event.target.closest?.(".cite-panel");
    if (panel && panel.querySelector("[data-close-citation]")) closeCitation(panel);
  });
  document.addEventListener("marginalia:cite", (event) => openCitation(event.detail.anchor, event.detail.quote));

  // Following a link inside the page (contents, footnote, back-link, search hit) moves the
  // keyboard focus there too, so Tab continues from where the reader now is.
  function focusTarget() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) return;
    // The hashchange event can arrive after the reader has already moved on (j or a pressed at
    // once, on a busy machine): focus is then neither on the followed link nor nowhere, and
    // stays where the reader put it.
    const active = document.activeElement;
    if (active && active !== document.body && active !== target && !active.closest("a[href*='#']")) return;
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
  }

  // The contents mark the section being read (aria-current="location").
  function trackSection() {
    const links = new Map();
    document.querySelectorAll(".toc a[href^='#p-']").forEach((a) => links.set(a.getAttribute("href").slice(1), a));
    const headings = [...links.keys()].map((id) => document.getElementById(id)).filter(Boolean);
    if (!headings.length) return;
    let current = null;
    let queued = false;
    const update = () => {
      queued = false;
      // A heading counts as "being read" once it nears the top of the window.
      const line = Math.min(window.innerHeight * 0.25, 160);
      let found = null;
      for (const heading of headings) {
        if (heading.getBoundingClientRect().top <= line) found = heading;
        else break;
      }
      if (found === current) return;
      if (current) links.get(current.id).removeAttribute("aria-current");
      if (found) links.get(found.id).setAttribute("aria-current", "location");
      current = found;
    };
    window.addEventListener("scroll", () => {
      if (!queued) { queued = true; requestAnimationFrame(update); }
    }, { passive: true });
    update();
  }

  window.addEventListener("hashchange", focusTarget);
  // A click on a link to the hash already in the address bar fires no hashchange. Only then:
  // focusing twice (here and on hashchange) let the later one pull focus back from wherever
  // the reader had gone in between (j, k, a right after following a contents link).
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href*='#']");
    if (link && !link.hasAttribute("data-copy-link") && link.pathname === window.location.pathname
        && link.hash === window.location.hash) {
      setTimeout(focusTarget, 0);
    }
  });
  // A link to a paragraph this version no longer has (merged into another, or deleted):
  // the server's permalink follows it to where it went, or to the version that still has it.
  function followLostAnchor() {
    const hash = decodeURIComponent(window.location.hash.slice(1));
    if (!hash.startsWith("p-") || document.getElementById(hash)) return;
    if (!/^\/d\/[^/]+\/$/.test(window.location.pathname)) return;
    // Once per link: should the server ever send it back here, the page stays put.
    if (sessionStorage.getItem("followed-anchor") === hash) return;
    sessionStorage.setItem("followed-anchor", hash);
    window.location.replace(`${window.location.pathname}p/${encodeURIComponent(hash.slice(2))}/`);
  }

  document.addEventListener("DOMContentLoaded", () => {
    followLostAnchor();
    enhancePermalinks(document);
    enhanceCitations(document);
    trackSection();
    // On a phone the contents start folded, so the text is a short scroll away.
    if (window.matchMedia("(max-width: 47.99rem)").matches) {
      document.querySelectorAll("details[data-collapse-on-phone]").forEach((d) => { d.open = false; });
    }
  });
  // The paper's search box asks as one types (after a pause) and on Enter: the same words
  // asked twice swapped the results again under a reader who had already moved into them.
  let lastSearch = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches?.(".paper-search form")) return;
    const words = new URLSearchParams(new FormData(form)).toString();
    if (words === lastSearch) event.preventDefault();
    lastSearch = words;
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt.matches?.(".paper-search form") && !event.detail.successful) lastSearch = null;  // may ask again
  });
  // htmx swaps in search results; nothing in them needs enhancing today, but new paragraphs might.
  document.addEventListener("htmx:afterSwap", (event) => enhancePermalinks(event.target));
})();

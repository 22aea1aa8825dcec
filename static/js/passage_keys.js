// Choosing a passage with the keyboard alone, without the browser's caret browsing. On the
// paragraph that has focus (j/k reach one), `s` starts a selection on its first word:
//   → / ←                    the end one word further / back
//   Shift (or Ctrl) + → / ←  the end to the next sentence's end / back a sentence
//   ↓ / ↑                    the start one word further / back (Shift or Ctrl: a sentence)
//   Enter (or a)             annotate the passage;   Esc  leave, nothing chosen
// Each change is read out (an aria-live region). The words are the page's real selection,
// so annotate.js measures them exactly as it measures a mouse selection (offsets in the
// paragraph's shown text, .para-content), and the server anchors them alike.
(() => {
  if (!("Segmenter" in Intl)) return; // the mouse and the form's Passage field remain

  const live = document.createElement("p");
  live.className = "visually-hidden";
  live.id = "passage-status";
  live.setAttribute("aria-live", "polite");
  const say = (message) => {
    live.textContent = "";
    setTimeout(() => { live.textContent = message; }, 30);
  };

  const typing = (el) => el?.closest?.("input, textarea, select, [contenteditable='true']");
  const segments = (text, granularity) => [...new Intl.Segmenter(document.documentElement.lang || undefined, { granularity }).segment(text)];

  let mode = null; // { para, container, text, words, sentences, first, last }

  function start(para) {
    const container = para.querySelector(".para-content");
    const text = container?.textContent || "";
    const words = segments(text, "word").filter((s) => s.isWordLike).map((s) => ({ start: s.index, end: s.index + s.segment.length }));
    if (!words.length) return false;
    const sentences = segments(text, "sentence").map((s) => ({ start: s.index, end: s.index + s.segment.trimEnd().length }));
    mode = { para, container, text, words, sentences, first: 0, last: 0 };
    para.classList.add("is-selecting");
    show("Choosing a passage. Arrows: right and left move its end a word, with Shift a sentence; down and up move its start. Enter annotates it, Escape leaves.");
    return true;
  }

  function stop(clear) {
    if (!mode) return;
    mode.para.classList.remove("is-selecting");
    if (clear) window.getSelection()?.removeAllRanges();
    mode = null;
  }

  // The DOM position of an offset in the container's text (its text nodes, in order).
  function position(container, offset) {
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    let seen = 0;
    while (node) {
      if (offset <= seen + node.data.length) return [node, offset - seen];
      seen += node.data.length;
      node = walker.nextNode();
    }
    return [container, container.childNodes.length];
  }

  function show(intro) {
    const { container, text, words, first, last } = mode;
    const from = words[first].start;
    const to = words[last].end;
    const [startNode, startOffset] = position(container, from);
    const [endNode, endOffset] = position(container, to);
    window.getSelection().setBaseAndExtent(startNode, startOffset, endNode, endOffset);
    const count = last - first + 1;
    const quote = text.slice(from, to).replace(/\s+/g, " ");
    const spoken = quote.length > 160 ? `${quote.slice(0, 70)} … ${quote.slice(-70)}` : quote;
    say(`${intro ? `${intro} ` : ""}Selected ${count} word${count === 1 ? "" : "s"}: ${spoken}`);
  }

  const sentenceAt = (offset) => mode.sentences.findIndex((s) => offset >= s.start && offset < Math.max(s.end, s.start + 1));
  const wordsIn = (sentence) => mode.words.map((w, i) => [w, i]).filter(([w]) => w.start >= sentence.start && w.end <= sentence.end).map(([, i]) => i);

  function moveEnd(step, bySentence) {
    const { words, sentences } = mode;
    if (!bySentence) {
      mode.last = Math.min(words.length - 1, Math.max(mode.first, mode.last + step));
      return;
    }
    const here = sentenceAt(words[mode.last].start);
    const inHere = wordsIn(sentences[here]);
    if (step > 0) {
      const endOfHere = inHere[inHere.length - 1];
      const next = sentences[here + 1] && wordsIn(sentences[here + 1]);
      mode.last = mode.last < endOfHere ? endOfHere : (next?.length ? next[next.length - 1] : mode.last);
    } else {
      const before = here > 0 ? wordsIn(sentences[here - 1]) : [];
      mode.last = Math.max(mode.first, before.length ? before[before.length - 1] : mode.first);
    }
  }

  function moveStart(step, bySentence) {
    const { words, sentences } = mode;
    if (!bySentence) {
      mode.first = Math.min(words.length - 1, Math.max(0, mode.first + step));
    } else {
      const here = sentenceAt(words[mode.first].start);
      const startOfHere = wordsIn(sentences[here])[0];
      const target = step > 0 ? sentences[here + 1] : (mode.first > startOfHere ? sentences[here] : sentences[here - 1]);
      const inTarget = target ? wordsIn(target) : [];
      if (inTarget.length) mode.first = inTarget[0];
    }
    mode.last = Math.max(mode.last, mode.first);
  }

  // Capture, so the page's own shortcuts (annotate.js) do not also act on these keys.
  window.addEventListener("keydown", (event) => {
    if (event.altKey || event.metaKey || typing(event.target)) return;
    if (!mode) {
      if (event.key !== "s" || event.ctrlKey) return;
      const para = document.activeElement?.closest?.(".paper .para");
      if (!para || !para.querySelector("[data-annotate]")) return;
      if (start(para)) event.preventDefault();
      return;
    }
    const wide = event.shiftKey || event.ctrlKey;
    const handled = {
      ArrowRight: () => moveEnd(1, wide),
      ArrowLeft: () => moveEnd(-1, wide),
      ArrowDown: () => moveStart(1, wide),
      ArrowUp: () => moveStart(-1, wide),
    }[event.key];
    if (handled) {
      handled();
      show();
    } else if (event.key === "Enter" || event.key === "a") {
      stop(false);
      document.dispatchEvent(new CustomEvent("marginalia:annotate-selection"));
    } else if (event.key === "Escape") {
      const para = mode.para;
      stop(true);
      para.focus({ preventScroll: true });
      say("Left choosing a passage");
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }, true);

  // Focus leaving the paragraph (j/k, Tab, a click) leaves the mode; the selection stays.
  document.addEventListener("focusout", (event) => {
    if (!mode || !mode.para.contains(event.target)) return;
    setTimeout(() => { if (mode && !mode.para.contains(document.activeElement)) stop(false); }, 0);
  });

  document.addEventListener("DOMContentLoaded", () => document.body.append(live));
})();

// The reading page's discussion guide and instructors' prompts. The guide bar (loaded by htmx
// into .guide-bar-slot) shows a step of a group's guide; its previous and next swap the bar
// and this file takes the reader to the step's paragraph, marks the step's note and says
// where they are. For an instructor the bar carries the prompt form's address, and each
// margin gets a "Prompt" button beside "Annotate" that opens the form in the margin. Without
// this file the bar's links are the guide's step pages, and prompts are posted from a
// paragraph's discussion page.
(() => {
  const say = (message) => {
    const region = document.getElementById("reader-status");
    if (!region || !message) return;
    region.textContent = "";
    setTimeout(() => { region.textContent = message; }, 60);
  };
  const bar = () => document.getElementById("guide-bar");
  const slot = () => document.querySelector(".guide-bar-slot");

  function addPromptButtons(scope) {
    const url = bar()?.dataset.promptUrl;
    if (!url || !scope?.querySelectorAll) return;
    const margins = scope.matches?.(".margin-notes") ? [scope] : scope.querySelectorAll(".margin-notes");
    margins.forEach((notes) => {
      const annotate = notes.querySelector("[data-annotate]");
      if (!annotate || notes.querySelector(".prompt-button")) return;
      const href = url.replace("__anchor__", encodeURIComponent(notes.dataset.anchor));
      const button = document.createElement("a");
      button.className = "prompt-button";
      button.href = href;
      button.setAttribute("hx-get", href);
      button.setAttribute("hx-target", `#f-${CSS.escape(notes.dataset.anchor)}`);
      button.setAttribute("hx-swap", "innerHTML");
      button.innerHTML = 'Prompt<span class="visually-hidden"> the group on this paragraph</span>';
      annotate.after(button);
      window.htmx?.process(button);
    });
  }

  let moving = null; // "prev" or "next": the reader is stepping through the guide
  document.addEventListener("click", (event) => {
    const step = event.target.closest?.(".guide-bar-nav [rel]");
    if (step) moving = step.getAttribute("rel");
  });

  function goToStep(here) {
    const para = document.getElementById(`p-${here.dataset.stepAnchor}`);
    para?.scrollIntoView({ block: "start" });
    document.querySelectorAll(".annotation.is-guide-step").forEach((card) => card.classList.remove("is-guide-step"));
    document.getElementById(here.dataset.stepNote)?.classList.add("is-guide-step");
    // Focus stays on the button pressed (now the new bar's), so Next can be pressed again; at
    // either end, on the way back.
    (here.querySelector(`[rel="${moving}"]`) || here.querySelector(".guide-bar-nav [rel]") || here.querySelector("[data-guide-go]"))
      ?.focus({ preventScroll: true });
    say(here.querySelector(".guide-bar-step")?.textContent.replace(/\s+/g, " ").trim());
  }

  document.addEventListener("htmx:load", (event) => {
    const elt = event.detail.elt;
    if (!elt?.matches) return;
    if (elt.matches(".guide-bar")) {
      addPromptButtons(document);
      if (moving && elt.dataset.stepAnchor) goToStep(elt);
      moving = null;
    } else if (elt.matches(".margin-notes")) {
      addPromptButtons(elt);
    } else if (elt.matches(".guide-add-form")) {
      (elt.querySelector("[aria-invalid='true']") || elt.querySelector("input[type=text]"))?.focus();
      elt.scrollIntoView({ block: "nearest" });
    } else if (elt.matches(".guide-added")) {
      elt.focus({ preventScroll: true });
      say(elt.textContent.replace(/\s+/g, " ").replace("The whole guide", "").trim());
    } else if (elt.matches(".margin-prompt-form")) {
      elt.closest(".margin-notes")?.classList.add("has-form");
      (elt.querySelector("[aria-invalid='true']") || elt.querySelector("textarea"))?.focus();
      elt.scrollIntoView({ block: "nearest" });
    }
  });

  // A note's "Add to guide" form (under its card in the margin), cancelled: back to the link.
  document.addEventListener("click", (event) => {
    const cancel = event.target.closest?.("[data-guide-cancel]");
    if (!cancel) return;
    const pk = cancel.dataset.guideCancel;
    document.getElementById(`gs-${pk}`)?.replaceChildren();
    document.querySelector(`[data-guide-add="${CSS.escape(pk)}"]`)?.focus();
  });

  // A prompt or a note that became a step: the bar shows that step.
  document.body.addEventListener("marginalia:guide", (event) => {
    const target = slot();
    const url = target?.getAttribute("hx-get");
    if (!url || !window.htmx) return;
    window.htmx.ajax("GET", `${url}?group=${event.detail.group}&step=${event.detail.step}`, { source: target, target, swap: "innerHTML" });
  });
  document.body.addEventListener("marginalia:said", (event) => say(event.detail.value));

  // Escape leaves the prompt form, as it leaves the annotation form.
  document.addEventListener("keydown", (event) => {
    const form = event.target.closest?.(".margin-prompt-form");
    if (!form || event.key !== "Escape") return;
    event.preventDefault();
    const cancel = form.querySelector("[data-prompt-cancel]");
    const anchor = form.dataset.anchor;
    if (window.htmx) window.htmx.ajax("GET", cancel.getAttribute("hx-get"), { source: cancel, target: `#m-${CSS.escape(anchor)}`, swap: "outerHTML" });
    setTimeout(() => document.getElementById(`p-${anchor}`)?.focus({ preventScroll: true }), 50);
  });
})();

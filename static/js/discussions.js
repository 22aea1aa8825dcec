// @mention autocomplete for textareas marked data-mention-group="<group id>": typing "@ab"
// lists the group's members; arrow keys choose, Enter or Tab inserts, Escape closes.
(function () {
  "use strict";
  let list = null, target = null, items = [], active = 0, timer = null;

  function close() { if (list) { list.remove(); list = null; } items = []; }

  function wordBeforeCaret(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = /(^|[^\w@.+-])@([\w.+-]{0,30})$/.exec(before);
    return match ? match[2] : null;
  }

  function render() {
    if (!items.length) { close(); return; }
    if (!list) {
      list = document.createElement("ul");
      list.className = "mention-list";
      list.setAttribute("role", "listbox");
      list.id = "mention-list";
      document.body.appendChild(list);
      list.addEventListener("mousedown", function (event) {
        const li = event.target.closest("li");
        if (li) { event.preventDefault(); insert(items[Number(li.dataset.index)]); }
      });
    }
    const rect = target.getBoundingClientRect();
    list.style.left = window.scrollX + rect.left + "px";
    list.style.top = window.scrollY + rect.bottom + "px";
    list.replaceChildren(...items.map(function (person, i) {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.index = i;
      li.id = "mention-" + i;
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.textContent = person.name === person.username ? "@" + person.username : person.name + " (@" + person.username + ")";
      return li;
    }));
    target.setAttribute("aria-activedescendant", "mention-" + active);
  }

  function insert(person) {
    const caret = target.selectionStart;
    const before = target.value.slice(0, caret).replace(/@[\w.+-]*$/, "@" + person.username + " ");
    target.value = before + target.value.slice(caret);
    target.selectionStart = target.selectionEnd = before.length;
    close();
    target.focus();
  }

  function lookup(textarea) {
    const word = wordBeforeCaret(textarea);
    if (word === null) { close(); return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch("/groups/" + textarea.dataset.mentionGroup + "/mentions/?q=" + encodeURIComponent(word), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { target = textarea; items = data.results; active = 0; render(); })
        .catch(close);
    }, 120);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-mention-group]")) lookup(event.target);
  });
  document.addEventListener("keydown", function (event) {
    if (!list || event.target !== target) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      render(); event.preventDefault();
    } else if (event.key === "Enter" || event.key === "Tab") {
      insert(items[active]); event.preventDefault();
    } else if (event.key === "Escape") { close(); }
  });
  document.addEventListener("focusout", function (event) { if (event.target === target) setTimeout(close, 150); });
})();

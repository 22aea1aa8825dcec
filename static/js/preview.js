// The upload preview's corrections: a refused one (422) comes back with its error on the
// block, so it is swapped in like a success; then focus goes to the block that was corrected.
(() => {
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const list = document.getElementById("preview-blocks");
    if (!list || event.detail.target !== list) return;
    const invalid = list.querySelector("[aria-invalid='true']");
    const block = event.detail.requestConfig.parameters?.block ?? event.detail.requestConfig.formData?.get?.("block");
    const item = document.getElementById(`b-${block}`) || list.querySelector("li");
    (invalid || item?.querySelector("summary"))?.focus();
  });
})();

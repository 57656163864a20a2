// Progressive enhancement only: every page works without JavaScript. No inline handlers anywhere:
// the Content-Security-Policy (eventsapp/web/security.py) admits only this file.

// Copy a feed address to the clipboard: <button data-copy-target="input-id" data-copied-label="...">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button || !navigator.clipboard) return;
  const input = document.getElementById(button.dataset.copyTarget);
  navigator.clipboard.writeText(input.value).then(() => {
    const label = button.textContent;
    button.textContent = button.dataset.copiedLabel;
    setTimeout(() => { button.textContent = label; }, 2000);
  });
});

// Ask before an action that cannot be undone: <button data-confirm="Delete this draft for good?">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// Select the whole address when a read-only address field gets focus: <input data-select-on-focus>.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});

// A refused form: put the cursor in the first field with an error, its label and message in view. The
// server already marks that field `autofocus` (enough without JavaScript), but browsers skip autofocus
// in some cases (e.g. when the page is restored from history), so it is done here again.
document.addEventListener("DOMContentLoaded", () => {
  const first = document.querySelector("form [aria-invalid='true']");
  if (!first) return;
  if (document.activeElement !== first) first.focus({ preventScroll: true });
  (first.closest(".field") || first).scrollIntoView({ block: "center" });
});

// Print the page (the sign-in sheet): <button data-print>.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

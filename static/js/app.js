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

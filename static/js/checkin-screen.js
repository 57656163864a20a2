// The projected self check-in screen (templates/checkin/screen.html): a new QR when the code's 30-second
// window ends, the counter every few seconds. Without this file the page reloads itself (<noscript> refresh).
// A screen that cannot reach the server says so rather than show a code that has stopped working.
(() => {
  const main = document.querySelector("[data-screen-state]");
  if (!main) return;
  const qr = document.getElementById("screen-qr");
  const link = document.getElementById("screen-url");
  const count = document.getElementById("screen-count");
  const stale = document.getElementById("screen-stale");
  const COUNT_EVERY_S = 5;
  const STALE_AFTER_MS = 55_000; // a code is accepted in its window and the next: about a minute
  let lastSuccess = Date.now();

  const show = (state) => {
    if (link.dataset.screenUrl !== state.url) {
      const template = document.createElement("template");
      template.innerHTML = state.qr; // our server's SVG, drawn by segno
      qr.replaceChildren(template.content);
      link.href = state.url;
      link.textContent = state.url;
      link.dataset.screenUrl = state.url;
    }
    count.textContent = state.counter;
  };

  const poll = async () => {
    let wait = COUNT_EVERY_S;
    try {
      const response = await fetch(main.dataset.screenState, {headers: {Accept: "application/json"},
                                                               cache: "no-store", credentials: "same-origin"});
      if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) throw new Error(response.status);
      const state = await response.json();
      show(state);
      lastSuccess = Date.now();
      wait = Math.min(COUNT_EVERY_S, state.changes_in + 0.3);
    } catch (error) {
      // Signed out or offline: keep trying; the page itself still works once the server answers.
    }
    const isStale = Date.now() - lastSuccess > STALE_AFTER_MS;
    stale.hidden = !isStale;
    qr.classList.toggle("is-stale", isStale);
    setTimeout(poll, wait * 1000);
  };

  // A projector must not fall asleep; browsers that cannot keep it awake simply do not.
  const stayAwake = () => navigator.wakeLock?.request("screen").catch(() => {});
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") stayAwake(); });
  stayAwake();
  poll();
})();

// The staff's check-in page (templates/checkin/staff.html, eventsapp/checkin/staff_routes.py). Without this
// file the page still works: a typed code and a search are plain forms. With it: the camera (jsQR, vendored in
// static/vendor/jsqr), search as one types, answers without reloading, and an offline queue.
//
// Every attempt carries a nonce made here, once. When the network is down the attempt is kept in localStorage
// with its nonce and the time it was made, and uploaded when the network returns (on "online", every 15 s and
// at the next page load). The server answers a nonce it has seen with its first answer, so an upload sent twice
// (a lost answer, two tabs) lands once. Uploads the server refuses or finds already done are listed for staff.
// No service worker: the page itself must be open (or reopened) for the queue to be uploaded.
(() => {
  "use strict";
  const root = document.getElementById("checkin");
  if (!root) return;

  const strings = JSON.parse(document.getElementById("checkin-strings").textContent);
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const checkInUrl = root.dataset.checkInUrl;
  const searchUrl = root.dataset.searchUrl;
  const queueKey = `eventsapp.checkin.queue.${root.dataset.eventId}`;
  const conflictsKey = `eventsapp.checkin.conflicts.${root.dataset.eventId}`;
  const UPLOAD_EVERY_MS = 15000;
  const SAME_CODE_PAUSE_MS = 4000;

  const $ = (selector) => root.querySelector(selector);
  const format = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");

  // ---------- Nonces and storage ----------
  function newNonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs https; this does not
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch { return []; }
  }

  function write(key, items) {
    try { localStorage.setItem(key, JSON.stringify(items)); } catch { /* full or private mode: kept in memory */ }
  }

  function keep(attempt) {
    const queue = read(queueKey);
    if (!queue.some((item) => item.nonce === attempt.nonce)) queue.push(attempt);
    write(queueKey, queue);
    showQueue();
  }

  function forget(nonce) {
    write(queueKey, read(queueKey).filter((item) => item.nonce !== nonce));
    showQueue();
  }

  // ---------- Talking to the server ----------
  // One attempt, sent as JSON. "offline": no answer at all; "retry": an answer that is not ours to read (a
  // proxy's 502, a login page after the session ended); "answered": the server decided, refusals included.
  async function send(attempt) {
    const body = { nonce: attempt.nonce, attempted_at: attempt.attempted_at };
    if (attempt.code) body.code = attempt.code; else body.registration_id = attempt.registration_id;
    let response;
    try {
      response = await fetch(checkInUrl, {
        method: "POST", credentials: "same-origin", redirect: "follow",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(body),
      });
    } catch {
      return { state: "offline" };
    }
    const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
    if (response.redirected || !isJson) return { state: "retry", signedOut: response.redirected };
    if (response.status >= 500) return { state: "retry" };
    let answer;
    try { answer = await response.json(); } catch { return { state: "retry" }; }
    return { state: "answered", ok: response.ok, answer };
  }

  async function attempt(fields) {
    const made = { nonce: newNonce(), attempted_at: new Date().toISOString(), ...fields };
    const result = await send(made);
    if (result.state === "answered") {
      showAnswer(result.ok ? result.answer : refusal(result.answer));
      if (result.ok && result.answer.registration) updateRow(result.answer.registration);
      return;
    }
    keep(made);
    showAnswer({
      outcome: "waiting", title: strings.waiting, registration: null,
      message: result.signedOut ? strings.signed_out : result.state === "offline" ? strings.kept_offline : strings.server_busy,
    });
  }

  function refusal(answer) {
    return { outcome: "refused", title: strings.refused, message: answer.message, registration: null };
  }

  let uploading = false;
  async function upload() {
    if (uploading || !read(queueKey).length) return;
    uploading = true;
    let landed = 0;
    try {
      for (const item of read(queueKey)) {
        const result = await send(item);
        if (result.state !== "answered") break; // still offline: keep the rest in order for the next try
        forget(item.nonce);
        landed += 1;
        const answer = result.answer;
        if (!result.ok || answer.outcome !== "checked_in") {
          addConflict(item, result.ok ? `${answer.title}: ${answer.message}` : `${strings.refused}: ${answer.message}`,
                      answer.registration);
        }
      }
    } finally {
      uploading = false;
    }
    if (landed) showAnswer({ outcome: "checked_in", title: format(strings.uploaded, { count: landed }),
                             message: "", registration: null });
  }

  // ---------- What the staff sees ----------
  function showAnswer(answer) {
    const panel = $("[data-answer]");
    panel.className = `checkin-answer checkin-${answer.outcome}`;
    const person = answer.registration;
    panel.querySelector("[data-answer-title]").textContent = answer.title;
    panel.querySelector("[data-answer-name]").textContent = person ? person.name : "";
    panel.querySelector("[data-answer-org]").textContent = person
      ? [person.organization, person.company].filter(Boolean).join(" · ") : "";
    panel.querySelector("[data-answer-message]").textContent = answer.message || "";
    if (navigator.vibrate) navigator.vibrate(answer.outcome === "checked_in" ? 80 : [60, 60, 60]);
  }

  function describe(item) {
    const what = item.code ? format(strings.code, { code: item.code }) : (item.label || format(strings.person, { code: item.registration_id }));
    const time = new Date(item.attempted_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return `${what}, ${format(strings.scanned_at, { time })}`;
  }

  function showQueue() {
    const queue = read(queueKey);
    const list = $("[data-queue-list]");
    list.replaceChildren(...queue.map((item) => listItem(describe(item))));
    $("[data-queue]").hidden = queue.length === 0;
  }

  function addConflict(item, message, person) {
    const conflicts = read(conflictsKey);
    conflicts.push({ what: person ? `${person.name}, ${describe(item)}` : describe(item), message });
    write(conflictsKey, conflicts);
    showConflicts();
  }

  function showConflicts() {
    const conflicts = read(conflictsKey);
    $("[data-conflicts-list]").replaceChildren(...conflicts.map((c) => listItem(`${c.what} — ${c.message}`)));
    $("[data-conflicts]").hidden = conflicts.length === 0;
  }

  function listItem(text) {
    const li = document.createElement("li");
    li.textContent = text;
    return li;
  }

  // ---------- Forms: the typed code and each search result's button ----------
  root.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-attempt-form]");
    if (!form) return;
    event.preventDefault();
    const code = form.elements.code ? form.elements.code.value.trim() : "";
    if (form.elements.code) {
      if (!code) { form.elements.code.focus(); return; }
      form.elements.code.value = "";
      attempt({ code });
    } else {
      const row = form.closest(".checkin-person");
      const label = row ? row.querySelector(".checkin-person-name").firstChild.textContent.trim() : "";
      attempt({ registration_id: Number(form.elements.registration_id.value), label });
    }
  });

  // ---------- Search as one types ----------
  let searchTimer;
  let searchSeq = 0;
  const searchInput = root.querySelector("#checkin-q");
  const searchStatus = $("[data-search-status]");
  $("[data-search-form]").addEventListener("submit", (event) => { event.preventDefault(); search(); });
  searchInput.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(search, 300); });

  async function search() {
    const term = searchInput.value.trim();
    const seq = ++searchSeq;
    if (!term) { $("[data-results]").replaceChildren(); searchStatus.textContent = ""; return; }
    let body;
    try {
      const response = await fetch(`${searchUrl}?q=${encodeURIComponent(term)}`,
                                   { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || response.redirected) throw new Error(String(response.status));
      body = await response.json();
    } catch {
      if (seq === searchSeq) searchStatus.textContent = strings.search_offline;
      return;
    }
    if (seq !== searchSeq) return; // an older answer arriving late
    $("[data-results]").replaceChildren(...body.results.map(personRow));
    searchStatus.textContent = body.results.length === 0 ? strings.nobody : body.more ? strings.more : "";
  }

  function personRow(person) {
    const li = document.createElement("li");
    li.className = "checkin-person";
    li.dataset.registrationId = person.id;
    fillRow(li, person);
    return li;
  }

  function fillRow(li, person) {
    const name = paragraph("checkin-person-name", person.name);
    if (person.phone_end) {
      const end = document.createElement("span");
      end.className = "checkin-phone-end";
      end.textContent = ` …${person.phone_end}`;
      name.append(end);
    }
    const status = [person.status_label, person.checked_in_time, person.checked_in_by].filter(Boolean).join(" · ");
    const parts = [name, paragraph("checkin-person-org", [person.organization, person.company].filter(Boolean).join(" · ")),
                   paragraph("checkin-person-status", status)];
    if (person.can_check_in) {
      const form = document.createElement("form");
      form.setAttribute("data-attempt-form", "");
      const id = document.createElement("input");
      Object.assign(id, { type: "hidden", name: "registration_id", value: person.id });
      const button = document.createElement("button");
      Object.assign(button, { type: "submit", className: "button button-primary checkin-tap", textContent: strings.check_in });
      button.setAttribute("aria-label", `${strings.check_in} ${person.name}`);
      form.append(id, button);
      parts.push(form);
    }
    li.replaceChildren(...parts);
  }

  function updateRow(person) {
    const li = root.querySelector(`.checkin-person[data-registration-id="${person.id}"]`);
    if (li) fillRow(li, person);
  }

  function paragraph(className, text) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  // ---------- The camera ----------
  const camera = $("[data-camera]");
  const video = $("[data-camera-video]");
  const toggle = $("[data-camera-toggle]");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let stream = null;
  let lastCode = "";
  let lastCodeAt = 0;
  let lastFrameAt = 0;

  // What a QR holds: the code itself, or an address ending with it; the server normalises dashes and case.
  function codeFrom(text) {
    const parts = text.trim().split(/[^A-Za-z0-9-]+/).filter(Boolean);
    return parts.length ? parts[parts.length - 1] : "";
  }

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch {
      showAnswer({ outcome: "refused", title: strings.refused, message: strings.camera_unavailable, registration: null });
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play().catch(() => {});
    toggle.textContent = toggle.dataset.stopLabel;
    requestAnimationFrame(scanFrame);
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    video.srcObject = null;
    toggle.textContent = toggle.dataset.startLabel;
  }

  function scanFrame(time) {
    if (!stream) return;
    if (time - lastFrameAt > 200 && video.readyState >= video.HAVE_ENOUGH_DATA) { // 5 reads a second saves the battery
      lastFrameAt = time;
      const scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      const code = found ? codeFrom(found.data) : "";
      const now = Date.now();
      if (code && (code !== lastCode || now - lastCodeAt > SAME_CODE_PAUSE_MS)) { // one scan per person, not 5 a second
        lastCode = code;
        lastCodeAt = now;
        attempt({ code });
      }
    }
    requestAnimationFrame(scanFrame);
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.jsQR) {
    camera.hidden = false;
    toggle.addEventListener("click", () => (stream ? stopCamera() : startCamera()));
  }

  // ---------- Start ----------
  $("[data-conflicts-clear]").addEventListener("click", () => { write(conflictsKey, []); showConflicts(); });
  window.addEventListener("online", upload);
  setInterval(upload, UPLOAD_EVERY_MS);
  showQueue();
  showConflicts();
  upload();
})();

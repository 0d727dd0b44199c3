// Progressive enhancement only: every page works without this file.
"use strict";

// Read aloud (caring mode): speaks the course title, subtitle and description with the
// browser's speech synthesis; a second press stops it.
function setUpReadAloud() {
  const button = document.querySelector("button.read-aloud");
  if (!button || !("speechSynthesis" in window)) return;
  const synth = window.speechSynthesis;
  const show = (speaking) => {
    button.setAttribute("aria-pressed", speaking ? "true" : "false");
    button.textContent = speaking ? button.dataset.stop : button.dataset.start;
  };
  button.hidden = false;
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-pressed") === "true") {
      synth.cancel();
      show(false);
      return;
    }
    const text = Array.from(document.querySelectorAll("[data-read-aloud]"))
      .map((element) => element.textContent.trim())
      .filter(Boolean)
      .join("。\n");
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = button.dataset.lang || document.documentElement.lang;
    utterance.rate = 0.9;
    utterance.onend = () => show(false);
    utterance.onerror = () => show(false);
    synth.cancel();
    synth.speak(utterance);
    show(true);
  });
  window.addEventListener("pagehide", () => synth.cancel());
}

document.addEventListener("DOMContentLoaded", setUpReadAloud);

// Actions without a page reload: forms marked data-enhance are sent with fetch and the page
// is updated in place; if anything goes wrong the form is submitted the ordinary way.
function announce(message) {
  const status = document.getElementById("action-status");
  if (!status || !message) return;
  status.textContent = "";
  window.setTimeout(() => { status.textContent = message; }, 50);
}

const applyAnswer = {
  toggle(form, answer) {
    const button = form.querySelector("button");
    button.setAttribute("aria-pressed", answer.pressed ? "true" : "false");
    button.textContent = answer.label;
  },
  dismiss(form) {
    const card = form.closest("li");
    if (card) card.remove();
  },
  lesson(form, answer) {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = answer.label;
    form.replaceWith(badge);
  },
  async share(form, answer) {
    const note = form.querySelector(".action-note");
    try {
      if (navigator.share) {
        await navigator.share({ url: answer.url, title: document.title });
        return;
      }
      await navigator.clipboard.writeText(answer.url);
      if (note) note.textContent = answer.message;
    } catch (error) {
      if (note) note.textContent = answer.url;
    }
  },
};

function setUpEnhancedForms() {
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    const kind = form.dataset ? form.dataset.enhance : undefined;
    if (!kind || !applyAnswer[kind] || !window.fetch) return;
    event.preventDefault();
    const button = form.querySelector("button");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const answer = await response.json();
      await applyAnswer[kind](form, answer);
      announce(answer.message);
    } catch (error) {
      form.submit();  // the ordinary way: the server answers with a page
      return;
    } finally {
      if (button) button.disabled = false;
    }
  });
}

document.addEventListener("DOMContentLoaded", setUpEnhancedForms);

// The lesson player: start where the learner stopped, and tell the server where they are
// every 15 seconds of playing, when they pause and when the lesson ends.
function setUpPlayer() {
  const media = document.querySelector(".player .media");
  if (!media) return;
  const start = Number(media.dataset.start || 0);
  if (start > 0) {
    const seek = () => { media.currentTime = start; };
    if (media.readyState >= 1) seek(); else media.addEventListener("loadedmetadata", seek, { once: true });
  }
  const url = media.dataset.positionUrl;
  if (!url) return;
  let lastSent = -1;
  const send = () => {
    const seconds = Math.floor(media.currentTime || 0);
    if (seconds === lastSent) return;
    lastSent = seconds;
    const body = new FormData();
    body.append("csrf_token", media.dataset.csrf);
    body.append("position", String(seconds));
    fetch(url, { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => response.ok ? response.json() : null)
      .then((answer) => { if (answer && answer.finished) announce(media.dataset.finished || ""); })
      .catch(() => {});
  };
  let timer = null;
  media.addEventListener("play", () => { timer = window.setInterval(send, 15000); });
  const stop = () => { if (timer) window.clearInterval(timer); timer = null; send(); };
  media.addEventListener("pause", stop);
  media.addEventListener("ended", stop);
  window.addEventListener("pagehide", () => { if (!media.paused) send(); });
}

document.addEventListener("DOMContentLoaded", setUpPlayer);

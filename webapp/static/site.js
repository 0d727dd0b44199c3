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

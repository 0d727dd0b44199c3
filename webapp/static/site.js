// Progressive enhancement only: every page works without this file.
"use strict";

// Read aloud: speaks the page's marked text (or, for a button with data-target, the text of
// that element) with the browser's speech synthesis; a second press stops it.
function setUpReadAloud() {
  const buttons = Array.from(document.querySelectorAll("button.read-aloud"));
  if (!("speechSynthesis" in window)) {
    buttons.forEach((button) => { button.hidden = true; });  // this browser cannot speak
    return;
  }
  const synth = window.speechSynthesis;
  const show = (button, speaking) => {
    button.setAttribute("aria-pressed", speaking ? "true" : "false");
    button.textContent = speaking ? button.dataset.stop : button.dataset.start;
  };
  const textOf = (button) => {
    if (button.dataset.target) {
      const target = document.querySelector(button.dataset.target);
      if (!target) return "";
      const parts = Array.from(target.querySelectorAll("p, li, h2, h3, h4, blockquote, td, .cue-text"));
      return (parts.length ? parts : [target]).map((e) => e.textContent.trim()).filter(Boolean).join("\n");
    }
    return Array.from(document.querySelectorAll("[data-read-aloud]"))
      .map((element) => element.textContent.trim())
      .filter(Boolean)
      .join("。\n");
  };
  buttons.forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-pressed") === "true") {
        synth.cancel();
        show(button, false);
        return;
      }
      buttons.forEach((other) => show(other, false));
      const utterance = new SpeechSynthesisUtterance(textOf(button));
      utterance.lang = button.dataset.lang || document.documentElement.lang;
      utterance.rate = 0.9;
      utterance.onend = () => show(button, false);
      utterance.onerror = () => show(button, false);
      synth.cancel();
      const media = document.querySelector(".player .media");
      if (media && !media.paused) media.pause();
      synth.speak(utterance);
      show(button, true);
    });
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

// Sends where the learner is in a lesson (seconds) to the page's position URL.
function positionSender(element) {
  const url = element.dataset.positionUrl;
  let lastSent = -1;
  return (seconds, onAnswer) => {
    if (!url || seconds === lastSent) return;
    lastSent = seconds;
    const body = new FormData();
    body.append("csrf_token", element.dataset.csrf);
    body.append("position", String(seconds));
    fetch(url, { method: "POST", body, headers: { Accept: "application/json" }, credentials: "same-origin", keepalive: true })
      .then((response) => response.ok ? response.json() : null)
      .then((answer) => { if (answer && onAnswer) onAnswer(answer); })
      .catch(() => {});
  };
}

// The lesson was finished (the server said so): the "mark as done" form becomes a badge.
function showLessonDone(message) {
  const form = document.querySelector('form[data-enhance="lesson"]');
  if (form) applyAnswer.lesson(form, { label: form.dataset.done });
  announce(message);
}

// The lesson ended but the server does not know its length: mark it done the ordinary way.
function markLessonDone() {
  const form = document.querySelector('form[data-enhance="lesson"]');
  if (form && form.isConnected) form.requestSubmit();
}

function clock(seconds) {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

const RATE_KEY = "lifelong.playbackRate";

function afterLoad(action) {
  if (document.readyState === "complete") action();
  else window.addEventListener("load", action, { once: true });
}

// The lesson player: an HLS stream through hls.js where the browser cannot play it itself;
// media-chrome's controls instead of the browser's once they are defined; the learner's
// speed kept between lessons; start where they stopped, and tell the server where they are
// every 15 seconds of playing, when they pause, when they leave and when the lesson ends.
function setUpPlayer() {
  const media = document.querySelector(".player .media");
  if (!media) return;
  const stream = media.dataset.stream;
  const start = Number(media.dataset.start || 0);
  if (stream) {
    const attach = () => {
      if (!window.Hls || !window.Hls.isSupported()) {
        media.src = stream;  // Safari and others that play HLS themselves
        return;
      }
      // As preload="metadata" asks: the playlist now, the video's segments once they are
      // wanted (the learner plays, or at once to show where a returning learner stopped).
      // Fetching and converting them on arrival kept a phone's processor busy for a second.
      const hls = new window.Hls({ enableWorker: false, autoStartLoad: false });
      hls.loadSource(stream);
      hls.attachMedia(media);
      media.hls = hls;
      const load = () => hls.startLoad(media.currentTime || start || -1);
      if (start > 0 || !media.paused) load(); else media.addEventListener("play", load, { once: true });
    };
    // hls.js (120 kB, and a few hundred ms of a phone's processor to start) is fetched only
    // where the browser has Media Source Extensions, and only once the video is wanted: the
    // learner reaches for the player (pointer, touch, keyboard) or plays it (a transcript line
    // does), or comes back to a saved place. Reading the page and the transcript never waits
    // for it.
    const mse = window.ManagedMediaSource || window.MediaSource;
    if (media.dataset.hls && mse && mse.isTypeSupported && mse.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"')) {
      let requested = false;
      const fetchHls = () => {
        if (requested) return;
        requested = true;
        const script = document.createElement("script");
        script.src = media.dataset.hls;
        script.addEventListener("load", attach);
        script.addEventListener("error", attach);
        document.head.append(script);
      };
      if (start > 0) {
        afterLoad(fetchHls);
      } else {
        const player = media.closest(".player") || media;
        ["pointerover", "pointerdown", "focusin"].forEach((type) => player.addEventListener(type, fetchHls, { once: true }));
        media.addEventListener("play", fetchHls, { once: true });
      }
    } else {
      attach();
    }
  }
  if (window.customElements) {
    window.customElements.whenDefined("media-controller").then(() => { media.controls = false; });
    // media-chrome marks its captions button as a button with aria-checked, which only a
    // switch may carry: it is an on/off switch.
    window.customElements.whenDefined("media-captions-button").then(() => {
      document.querySelectorAll("media-captions-button").forEach((b) => b.setAttribute("role", "switch"));
    });
  }
  try {
    const rate = Number(window.localStorage.getItem(RATE_KEY));
    if (rate >= 0.5 && rate <= 2) { media.defaultPlaybackRate = rate; media.playbackRate = rate; }
  } catch (error) { /* storage off: the normal speed */ }
  media.addEventListener("ratechange", () => {
    try { window.localStorage.setItem(RATE_KEY, String(media.playbackRate)); } catch (error) { /* ignore */ }
  });
  if (start > 0) {
    const seek = () => { media.currentTime = start; };
    if (media.readyState >= 1) seek(); else media.addEventListener("loadedmetadata", seek, { once: true });
  }
  // A note taken while watching is about this moment: its time field fills itself in.
  const noteTime = document.querySelector('#lesson-note-heading ~ form input[name="position"]');
  const fillNoteTime = () => {
    if (noteTime && !noteTime.value && media.currentTime > 0) noteTime.value = clock(media.currentTime);
  };
  if (noteTime) {
    noteTime.addEventListener("focus", fillNoteTime);
    const body = noteTime.form.querySelector("textarea");
    if (body) body.addEventListener("focus", fillNoteTime);
  }
  if (!media.dataset.positionUrl) return;
  const sendPosition = positionSender(media);
  let finished = false;
  const send = (ended) => sendPosition(Math.floor(media.currentTime || 0), (answer) => {
    if (answer.finished && !finished) {
      finished = true;
      showLessonDone(media.dataset.finished || "");
    } else if (ended && !answer.finished) {
      markLessonDone();
    }
  });
  let timer = null;
  media.addEventListener("play", () => { if (!timer) timer = window.setInterval(() => send(false), 15000); });
  const stop = (ended) => { if (timer) window.clearInterval(timer); timer = null; send(ended); };
  media.addEventListener("pause", () => stop(false));
  media.addEventListener("seeked", () => { if (media.paused) send(false); });
  media.addEventListener("ended", () => stop(true));
  window.addEventListener("pagehide", () => { if (!media.paused) send(false); });
}

document.addEventListener("DOMContentLoaded", setUpPlayer);

// The transcript: the subtitles' lines as a list beside the player; choosing one plays from
// there, the line being spoken is marked, and the search box keeps the lines with its words.
function setUpTranscript() {
  const media = document.querySelector(".player .media");
  const section = document.querySelector(".transcript");
  const element = media && media.querySelector("track");
  if (!section || !element) return;
  const list = section.querySelector(".transcript-lines");
  const count = section.querySelector(".transcript-count");
  const search = section.querySelector("#transcript-q");
  const track = element.track;
  if (track.mode === "disabled") track.mode = "hidden";
  let lines = [];
  const build = () => {
    if (lines.length || !track.cues || !track.cues.length) return;
    lines = Array.from(track.cues).map((cue) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "cue";
      const time = document.createElement("span");
      time.className = "cue-time";
      time.textContent = clock(cue.startTime);
      const text = document.createElement("span");
      text.className = "cue-text";
      text.textContent = cue.text;
      button.append(time, " ", text);
      button.addEventListener("click", () => {
        media.currentTime = cue.startTime;
        media.play().catch(() => {});
      });
      item.append(button);
      list.append(item);
      return { start: cue.startTime, end: cue.endTime, text: cue.text.toLowerCase(), item, button };
    });
    section.hidden = false;
  };
  element.addEventListener("load", build);
  element.addEventListener("error", () => { section.hidden = true; });
  if (element.readyState === 2) build();
  let current = null;
  media.addEventListener("timeupdate", () => {
    const at = media.currentTime;
    const line = lines.find((l) => l.start <= at && at < l.end) || null;
    if (line === current) return;
    if (current) current.button.removeAttribute("aria-current");
    if (line) line.button.setAttribute("aria-current", "true");
    current = line;
  });
  search.addEventListener("input", () => {
    const words = search.value.trim().toLowerCase();
    let shown = 0;
    lines.forEach((line) => {
      const match = !words || line.text.includes(words);
      line.item.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = !words ? "" : shown ? count.dataset.matches.replace("{count}", shown) : count.dataset.none;
  });
}

// Built as soon as this (deferred) script runs, over the parsed page: the transcript needs only
// the subtitles, not the player's libraries that load after it.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUpTranscript);
else setUpTranscript();

// Reading lessons: text size and line spacing (kept in this browser), the reading position
// saved as the learner scrolls (as seconds of the lesson's reading time) and restored on
// return, and the lesson marked done when they reach the end.
const READING_KEY = "lifelong.reading";

function setUpReading() {
  const body = document.getElementById("reading-body");
  if (!body) return;
  const tools = document.querySelector(".reading-tools");
  let settings = { size: 0, spacing: false };
  try { settings = { ...settings, ...JSON.parse(window.localStorage.getItem(READING_KEY) || "{}") }; } catch (error) { /* defaults */ }
  const spacingButton = tools.querySelector('[data-reading="spacing"]');
  const apply = () => {
    body.style.setProperty("--reading-scale", String(1 + 0.15 * settings.size));
    body.classList.toggle("wide-spacing", settings.spacing);
    spacingButton.setAttribute("aria-pressed", settings.spacing ? "true" : "false");
    try { window.localStorage.setItem(READING_KEY, JSON.stringify(settings)); } catch (error) { /* ignore */ }
  };
  tools.addEventListener("click", (event) => {
    const action = event.target.closest("[data-reading]");
    if (!action) return;
    const kind = action.dataset.reading;
    if (kind === "smaller") settings.size = Math.max(-1, settings.size - 1);
    if (kind === "larger") settings.size = Math.min(4, settings.size + 1);
    if (kind === "spacing") settings.spacing = !settings.spacing;
    apply();
  });
  tools.hidden = false;
  apply();
  const duration = Number(body.dataset.duration || 0);
  const start = Number(body.dataset.start || 0);
  const top = () => body.getBoundingClientRect().top + window.scrollY;
  if (duration > 0 && start > 0) {
    const fraction = Math.min(1, start / duration);
    window.scrollTo(0, top() + fraction * body.offsetHeight - window.innerHeight);
  }
  if (!body.dataset.positionUrl || duration <= 0) return;
  const sendPosition = positionSender(body);
  let finished = false;
  const read = () => {
    const seen = window.scrollY + window.innerHeight - top();
    const fraction = Math.max(0, Math.min(1, seen / body.offsetHeight));
    return Math.round(fraction * duration);
  };
  const send = () => sendPosition(read(), (answer) => {
    if (answer.finished && !finished) {
      finished = true;
      showLessonDone(body.dataset.finished || "");
    }
  });
  let timer = null;
  window.addEventListener("scroll", () => {
    if (timer) return;
    timer = window.setTimeout(() => { timer = null; send(); }, 1500);
  }, { passive: true });
  window.addEventListener("pagehide", send);
}

document.addEventListener("DOMContentLoaded", setUpReading);

// A partner's cover that does not load gives way to the generated one; a column's picture
// that does not load is hidden (data-fallback="hide"): never a broken image.
function setUpCoverFallbacks() {
  const swap = (img) => {
    if (img.dataset.fallback === "hide") img.hidden = true;
    else if (img.dataset.fallback && img.src !== img.dataset.fallback) img.src = img.dataset.fallback;
  };
  document.addEventListener("error", (event) => {
    if (event.target instanceof HTMLImageElement) swap(event.target);
  }, true);
  document.querySelectorAll("img[data-fallback]").forEach((img) => {
    if (img.complete && img.naturalWidth === 0) swap(img);
  });
}

document.addEventListener("DOMContentLoaded", setUpCoverFallbacks);

// Times on the site are shown in the browser's zone unless the account chose one: tell the
// server which zone that is (a cookie, read on the next page).
(function rememberTimeZone() {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && !document.cookie.split("; ").includes(`tz=${zone}`)) {
      document.cookie = `tz=${zone}; path=/; max-age=31536000; SameSite=Lax`;
    }
  } catch (error) { /* no Intl: the site's zone */ }
}());

// Search suggestions (the ARIA combobox pattern): titles completing what was typed, as
// characters, pinyin or initials; arrow keys move through them, Enter opens the chosen
// course, Escape closes the list. Without JavaScript the box is a plain search field.
function setUpSuggestions(input) {
  const form = input.form;
  const listId = `${input.id}-suggestions`;
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.dataset.suggestLabel || "");
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.classList.add("has-suggestions");
  form.append(list, status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("autocomplete", "off");
  let options = [];
  let active = -1;
  let pending = null;
  let timer = null;
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (index) => {
    options.forEach((option, n) => option.setAttribute("aria-selected", n === index ? "true" : "false"));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const open = (suggestions) => {
    list.replaceChildren();
    options = suggestions.map((item, n) => {
      const option = document.createElement("li");
      option.id = `${listId}-${n}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.href = `/courses/${item.id}`;
      option.textContent = item.title;
      option.addEventListener("mousedown", (event) => event.preventDefault());  // keep focus
      option.addEventListener("click", () => { window.location.assign(option.dataset.href); });
      list.append(option);
      return option;
    });
    active = -1;
    if (!options.length) { close(); status.textContent = ""; return; }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = (input.dataset.suggestCount || "{count}").replace("{count}", options.length);
  };
  const fetchSuggestions = () => {
    const words = input.value.trim();
    if (pending) pending.abort();
    if (!words) { open([]); return; }
    pending = new AbortController();
    fetch(`${input.dataset.suggest}?q=${encodeURIComponent(words)}`, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then((response) => response.ok ? response.json() : { suggestions: [] })
      .then((answer) => { if (input.value.trim() === words) open(answer.suggestions || []); })
      .catch(() => {});
  };
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) { if (options.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } return; }
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = active + step;  // -1 is the text box itself
      choose(next >= options.length ? -1 : next < -1 ? options.length - 1 : next);
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      window.location.assign(options[active].dataset.href);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => window.setTimeout(close, 100));
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-suggest][id]").forEach(setUpSuggestions);
});

// The installed app: register the service worker (webapp/static/sw.js); ask it to keep the
// pages this page marks for offline use; on the offline page, list the pages it kept.
function setUpOffline() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(() => navigator.serviceWorker.ready).then((registration) => {
    const urls = Array.from(document.querySelectorAll("a[data-offline]")).map((a) => a.getAttribute("href"));
    if (urls.length && registration.active) registration.active.postMessage({ type: "keep", urls });
  }).catch(() => {});
  const list = document.querySelector("[data-offline-list]");
  if (!list || !window.caches) return;
  caches.keys().then((names) => Promise.all(names.filter((n) => n.startsWith("pages-")).map((n) => caches.open(n))))
    .then((stores) => Promise.all(stores.map((store) => store.keys().then((keys) => Promise.all(keys.map(
      (request) => store.match(request).then((response) => response.text()).then((html) => {
        const found = /<title>([^<]*)<\/title>/.exec(html);
        const parts = found ? found[1].split(" · ") : [new URL(request.url).pathname];
        const title = (parts.length > 1 ? parts.slice(0, -1) : parts).join(" · ")
          .replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'").replace(/&quot;/g, '"');
        return { href: new URL(request.url).pathname, title };
      }),
    ))))))
    .then((groups) => {
      const pages = groups.flat();
      if (!pages.length) { list.textContent = list.dataset.empty; return; }
      pages.forEach((kept) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = kept.href;
        link.textContent = kept.title;
        item.append(link);
        list.append(item);
      });
    })
    .catch(() => {});
}

document.addEventListener("DOMContentLoaded", setUpOffline);

// The installed app's service worker (served at /sw.js, so its scope is the whole site).
//
// - The shell (styles, script, icons, the offline page) is kept on install.
// - Pages: the network first; a page answered is kept (the pages worth having offline: home,
//   my learning, my notes, courses, lessons), and when the network fails the kept copy is
//   shown, else the offline page.
// - Pages the site marks (data-offline links on "my learning": saved courses, courses in
//   progress, reading lessons started) are fetched and kept ahead, so they open offline.
// - Static files and covers: the kept copy at once, refreshed in the background.
// - Logging in or out, and signing out everywhere, empties the kept pages: they are someone's.
"use strict";

const VERSION = "v1";
const SHELL = `shell-${VERSION}`;
const PAGES = `pages-${VERSION}`;
const SHELL_FILES = [
  "/offline",
  "/static/site.css",
  "/static/site.js",
  "/static/favicon.svg",
  "/static/icons/icon-192.png",
  "/manifest.webmanifest",
];
const KEPT_PAGES = [
  /^\/$/,
  /^\/me\/learning$/,
  /^\/me\/notes$/,
  /^\/courses\/\d+$/,
  /^\/courses\/\d+\/lessons\/\d+$/,
];
const ACCOUNT_CHANGES = [/^\/login$/, /^\/logout$/, /^\/me\/account\/sign-out-everywhere$/];
const MAX_PAGES = 200;

self.addEventListener("install", (event) => {
  // Fetched as a visitor: the shell must not carry anyone's name.
  const requests = SHELL_FILES.map((path) => new Request(path, { credentials: "omit" }));
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => ![SHELL, PAGES].includes(n)).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

const worthKeeping = (url) => url.origin === self.location.origin && KEPT_PAGES.some((re) => re.test(url.pathname));

async function keep(request, response) {
  const cache = await caches.open(PAGES);
  await cache.put(request, response);
  const keys = await cache.keys();
  if (keys.length > MAX_PAGES) await Promise.all(keys.slice(0, keys.length - MAX_PAGES).map((k) => cache.delete(k)));
}

async function page(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && worthKeeping(url)) await keep(request, response.clone());
    return response;
  } catch (error) {
    const kept = await caches.match(request, { ignoreVary: true });
    return kept || (await caches.match("/offline", { ignoreVary: true })) || Response.error();
  }
}

async function staticFile(request) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request, { ignoreVary: true });
  const fresh = fetch(request)
    .then((response) => { if (response.ok) cache.put(request, response.clone()); return response; })
    .catch(() => kept);
  return kept || fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && ACCOUNT_CHANGES.some((re) => re.test(url.pathname))) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/covers/")) {
    event.respondWith(staticFile(request));
  }
});

// A page asks for pages to be kept ahead (its data-offline links).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil((async () => {
    for (const address of data.urls.slice(0, 50)) {
      const url = new URL(address, self.location.origin);
      if (!worthKeeping(url)) continue;
      try {
        const request = new Request(url.href, { credentials: "same-origin" });
        const response = await fetch(request);
        if (response.ok && !response.redirected) await keep(request, response);
      } catch (error) { /* offline now: keep what there is */ }
    }
    if (event.source) event.source.postMessage({ type: "kept" });
  })());
});

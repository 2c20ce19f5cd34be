/* Gonghui worker app service worker: the app shell, the last station list and the worker's
   check-in codes open without a network; anything else falls back to the offline page.
   Served at /sw.js by gonghui/portal/views.py, which fills in __SHELL__ and __VERSION__. */
const VERSION = "__VERSION__";
const SHELL_CACHE = "gh-shell-" + VERSION;
const PAGE_CACHE = "gh-pages";
const SHELL = __SHELL__;
const OFFLINE_URL = SHELL[0];
// Pages kept for offline use: the last station list and the worker's check-in codes.
const KEEP = [/^\/$/, /^\/stations\/$/, /^\/services\/mine\/$/, /^\/me\/$/, /^\/hub\/$/];
// The finder's list comes from this API when the page locates the phone itself: keep the last.
const NEAREST = "/api/v1/stations/nearest";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(
      keys.filter((k) => k.startsWith("gh-shell-") && k !== SHELL_CACHE).map((k) => caches.delete(k))
    )).then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "logout") event.waitUntil(caches.delete(PAGE_CACHE));
});

function kept(url) {
  return url.origin === self.location.origin && KEEP.some((re) => re.test(url.pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === NEAREST) {
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(PAGE_CACHE).then((c) => c.put(NEAREST, copy));
        }
        return response;
      }).catch(() => caches.open(PAGE_CACHE).then((c) => c.match(NEAREST)).then((hit) => hit || Response.error()))
    );
    return;
  }
  if (url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && kept(url)) {
          const copy = response.clone();
          caches.open(PAGE_CACHE).then((c) => c.put(url.pathname, copy));
        }
        return response;
      }).catch(() =>
        caches.open(PAGE_CACHE)
          .then((c) => c.match(url.pathname))
          .then((hit) => hit || caches.match(OFFLINE_URL))
      )
    );
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(SHELL_CACHE).then((c) => c.put(request, copy));
        }
        return response;
      }))
    );
  }
});

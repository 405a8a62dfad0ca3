// Anju's service worker: the app opens without a network once it has been opened with one.
//
// - The page (index.html, the same for every path but the few sent with their own heading:
//   SENT_PATHS) comes from the network when there is one and is kept; without a network the
//   kept one is served, and the app shows its offline note.
// - Files with a content hash in their name never change: they come from the cache once there,
//   and every one fetched is kept, so a page group opened once opens offline too. The first
//   download's files are fetched at install.
// - The files of the previous version stay until the one after, so a page still open from
//   before a deploy can fetch its chunks.
// - Of /api/ only the answer naming who is signed in is kept (dropped at sign-out); what else
//   the app needs on the device (drafts, the door-to-door queue) it keeps itself.
//
// `cargo xtask dist` fills in the version and the first download's files.
const VERSION = "{{VERSION}}";
const FIRST_LOAD = {{FIRST_LOAD}};
// Paths whose page comes with that page's heading and introduction in it (`/`, `/register`, …:
// anju_domain::bundle::SENT_PAGES).
const SENT_PATHS = {{SENT_PATHS}};
const PAGE_CACHE = "anju-page";
const ASSETS = "anju-assets-" + VERSION;
const HASHED = /-[0-9a-f]{16}\.[a-z]+$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const assets = await caches.open(ASSETS);
      await assets.addAll(FIRST_LOAD.map((name) => "/" + name));
      const page = await caches.open(PAGE_CACHE);
      // The page of every path (the sent paths' own pages carry their heading).
      const shell = await fetch("/index.html");
      if (!shell.ok) throw new Error("index.html: " + shell.status);
      await page.put("/", shell);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Keep this version's files and the newest older version's (caches.keys() lists them
      // in the order they were made); older ones go.
      const older = (await caches.keys()).filter((n) => n.startsWith("anju-assets-") && n !== ASSETS);
      for (const name of older.slice(0, -1)) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

// The page sends the files it fetched before this worker took over (a first visit's page
// group, say): kept too, so that page opens offline next time.
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil(
    (async () => {
      const assets = await caches.open(ASSETS);
      for (const u of urls) {
        const url = new URL(u, self.location.origin);
        if (url.origin !== self.location.origin || !HASHED.test(url.pathname)) continue;
        if (await caches.match(url.pathname)) continue;
        try {
          await assets.add(url.pathname);
        } catch (offline) {}
      }
    })(),
  );
});

async function fromCacheOrNetwork(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    const assets = await caches.open(ASSETS);
    await assets.put(request, response.clone());
  }
  return response;
}

// From the network, kept (as `keepAs`) when `keepIf` likes the answer; without a network,
// what was kept.
async function networkOrKept(request, keepAs = request, keepIf = (response) => response.ok) {
  try {
    const response = await fetch(request);
    if (keepIf(response)) {
      const page = await caches.open(PAGE_CACHE);
      await page.put(keepAs, response.clone());
    }
    return response;
  } catch (offline) {
    const kept = await caches.match(keepAs);
    if (kept) return kept;
    throw offline;
  }
}

// Every path of the app is the same page: kept as "/".
const isPage = (response) =>
  response.ok && (response.headers.get("content-type") || "").startsWith("text/html");

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === "/api/auth/sign-out") {
    // Signed out: the account kept for an offline start goes.
    event.waitUntil(caches.open(PAGE_CACHE).then((page) => page.delete("/api/session")));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname === "/api/session") {
    // Who is signed in, as the server last said: without a network the app opens for them
    // (their kept drafts, the door-to-door queue) instead of at the sign-in page.
    event.respondWith(networkOrKept(request, "/api/session"));
    return;
  }
  if (url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    // A sent path's page has that page's heading in it: served, never kept, so no other path
    // opens offline with its words; without a network it gets the kept page too.
    const sent = SENT_PATHS.includes(url.pathname.replace(/\/+$/, "") || "/");
    const keep = sent ? () => false : isPage;
    event.respondWith(networkOrKept(request, "/", keep));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(fromCacheOrNetwork(request));
  } else {
    // prefs.js, the manifest, the icons, the chunk map: fresh when online, kept for offline.
    event.respondWith(networkOrKept(request));
  }
});

/// <reference lib="webworker" />
import type { WebPushPayload } from "@docsift/core";
import { CacheableResponsePlugin } from "workbox-cacheable-response";
import { clientsClaim } from "workbox-core";
import { ExpirationPlugin } from "workbox-expiration";
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from "workbox-precaching";
import { NavigationRoute, registerRoute } from "workbox-routing";
import { NetworkFirst } from "workbox-strategies";
import { API_CACHE } from "./lib/cache-names.js";
import { sameOriginPath } from "./lib/same-origin.js";

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
};

// A new version takes over at once: the app shell is small and the API is versioned separately.
void self.skipWaiting();
clientsClaim();

// App shell: every built asset, precached; any in-app URL (/, /jobs/<id>) opens index.html offline.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(
  new NavigationRoute(createHandlerBoundToURL("/index.html"), { denylist: [/^\/api\//, /^\/\.auth\//] }),
);

// The job list, job details and the signed-in user: always from the network while online; the
// last answer only while offline (not after a timeout or a failed sign-in redirect, when the
// answer could be another user's). The page deletes this cache when the user changes.
registerRoute(
  ({ url, request }) =>
    url.origin === self.location.origin &&
    request.method === "GET" &&
    (url.pathname === "/api/me" || url.pathname === "/api/jobs" || /^\/api\/jobs\/[^/]+$/.test(url.pathname)),
  new NetworkFirst({
    cacheName: API_CACHE,
    plugins: [
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 7 * 24 * 3600 }),
      {
        cachedResponseWillBeUsed: async ({ cachedResponse }) =>
          self.navigator.onLine ? null : cachedResponse,
      },
    ],
  }),
);

function payloadOf(
  event: PushEvent,
): WebPushPayload | { title: string; body: string; tag?: string; url: string } {
  const text = event.data?.text() ?? "";
  try {
    const parsed = JSON.parse(text) as Partial<WebPushPayload>;
    if (typeof parsed.title === "string" && typeof parsed.body === "string")
      return {
        ...parsed,
        title: parsed.title,
        body: parsed.body,
        url: sameOriginPath(parsed.url, self.location.origin),
      };
  } catch {
    // Not ours or not JSON: still tell the user something arrived (userVisibleOnly demands a notification).
  }
  return { title: "docsift", body: text || "A job changed.", url: "/" };
}

self.addEventListener("push", (event) => {
  const payload = payloadOf(event);
  event.waitUntil(
    self.registration.showNotification(payload.title, {
      body: payload.body,
      icon: "/icons/icon-192.png",
      badge: "/icons/badge-96.png",
      ...(payload.tag ? { tag: payload.tag } : {}),
      data: { url: payload.url },
    }),
  );
});

/** Opens the job: focus a window of the app and route it there, or open a new one. */
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: string } | undefined;
  const target = new URL(sameOriginPath(data?.url, self.location.origin), self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const existing = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (existing) {
        await existing.focus();
        existing.postMessage({ type: "open", url: target });
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});

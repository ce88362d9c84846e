/**
 * `path` as a path of the app (pathname, query, hash), or "/" when it would leave the app's
 * origin. `startsWith("/")` is not enough: `//evil.example/x` and `/\evil.example` resolve to
 * other hosts.
 */
export function sameOriginPath(path: unknown, origin: string): string {
  if (typeof path === "string" && path !== "") {
    try {
      const url = new URL(path, origin);
      if (url.origin === origin) return `${url.pathname}${url.search}${url.hash}`;
    } catch {
      // Not a URL at all: the app's start page instead.
    }
  }
  return "/";
}

import type { IncomingMessage } from "node:http";

/**
 * Origins a token's audience may name for this request: the emulator's advertised endpoint, and
 * the scheme + Host the caller actually used (a client may reach it as localhost or 127.0.0.1).
 */
export function acceptedOrigins(
  req: IncomingMessage,
  scheme: "http" | "https",
  endpoint: string,
): Set<string> {
  const origins = new Set([new URL(endpoint).origin]);
  const host = req.headers.host;
  if (host) {
    try {
      origins.add(new URL(`${scheme}://${host}`).origin);
    } catch {
      // An unparsable Host header only means the advertised endpoint is the one accepted.
    }
  }
  return origins;
}

/**
 * The REST SDK signs `aud` = the full request URL including `?api-version=...`; other callers sign
 * the URL without its query. Both are accepted; a different path or host never is.
 */
export function audienceMatcher(
  origins: ReadonlySet<string>,
  pathname: string,
  search: string | undefined,
): (audience: string) => boolean {
  const wantedPath = trimSlash(pathname);
  return (audience) => {
    let aud: URL;
    try {
      aud = new URL(audience);
    } catch {
      return false;
    }
    if (!origins.has(aud.origin) || trimSlash(aud.pathname) !== wantedPath) return false;
    return (
      search === undefined || aud.search === "" || sameQuery(aud.searchParams, new URLSearchParams(search))
    );
  };
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function sameQuery(a: URLSearchParams, b: URLSearchParams): boolean {
  a.sort();
  b.sort();
  return a.toString() === b.toString();
}

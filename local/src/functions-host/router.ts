import type { HttpMethod, Registration } from "@docsift/functions";

type HttpRegistration = Extract<Registration, { kind: "http" }>;

export interface RouteMatch {
  registration: HttpRegistration;
  params: Record<string, string>;
}

interface CompiledRoute {
  registration: HttpRegistration;
  pattern: RegExp;
  names: string[];
}

/** Route templates as the Functions host reads them ("jobs/{id}/submit"), under the /api prefix. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(
    registrations: Registration[],
    private readonly prefix = "api",
  ) {
    this.routes = registrations
      .filter((r): r is HttpRegistration => r.kind === "http")
      .map((registration) => {
        const names: string[] = [];
        const source = registration.route
          .split("/")
          .map((segment) => {
            const m = /^\{(\w+)\}$/.exec(segment);
            if (m) {
              names.push(m[1]!);
              return "([^/]+)";
            }
            return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          })
          .join("/");
        return { registration, names, pattern: new RegExp(`^/${this.prefix}/${source}/?$`, "i") };
      });
  }

  isApiPath(pathname: string): boolean {
    return pathname === `/${this.prefix}` || pathname.startsWith(`/${this.prefix}/`);
  }

  /** `undefined`: no route; `"method"`: a route exists for the path but not for this method. */
  match(method: string, pathname: string): RouteMatch | "method" | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      if (!route.registration.methods.includes(method.toUpperCase() as HttpMethod)) continue;
      const params: Record<string, string> = {};
      for (const [i, name] of route.names.entries()) {
        const raw = m[i + 1]!;
        // Malformed percent-encoding stays as sent: the handler's own validation answers 400.
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          params[name] = raw;
        }
      }
      return { registration: route.registration, params };
    }
    return pathMatched ? "method" : undefined;
  }
}

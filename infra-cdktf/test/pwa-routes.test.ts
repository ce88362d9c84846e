import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./helpers.js";

interface Route {
  route: string;
  allowedRoles?: string[];
  statusCode?: number;
}
const config = JSON.parse(
  readFileSync(path.join(repoRoot, "pwa/public/staticwebapp.config.json"), "utf8"),
) as { routes: Route[]; responseOverrides: Record<string, { redirect?: string; statusCode?: number }> };

/**
 * Static Web Apps applies the first rule whose pattern matches (a trailing `*` matches any rest).
 * Its own `/.auth/*` routes only follow rules written for them: Microsoft's sign-in example pairs
 * `"/*": ["authenticated"]` with a 401 redirect to `/.auth/login/aad`, which would loop otherwise.
 */
function ruleFor(requestPath: string): Route | undefined {
  return config.routes
    .filter((r) => !requestPath.startsWith("/.auth/") || r.route.startsWith("/.auth/"))
    .find((r) =>
      r.route.endsWith("*") ? requestPath.startsWith(r.route.slice(0, -1)) : requestPath === r.route,
    );
}

describe("Static Web App routes in front of the linked Function App", () => {
  it("lets only signed-in users reach /api and the app", () => {
    for (const p of ["/api/jobs", "/api/uploads/sas", "/", "/jobs/123"]) {
      expect(ruleFor(p)?.allowedRoles, p).toEqual(["authenticated"]);
    }
    expect(config.routes.at(-1)).toEqual({ route: "/*", allowedRoles: ["authenticated"] });
  });

  it("sends anonymous visitors to the Entra ID sign-in", () => {
    expect(config.responseOverrides["401"]).toMatchObject({ statusCode: 302 });
    expect(config.responseOverrides["401"]!.redirect).toMatch(/^\/\.auth\/login\/aad\b/);
  });

  it("leaves the sign-in flow untouched: no role rule for /.auth/login/aad, its callback, logout or me", () => {
    for (const p of ["/.auth/login/aad", "/.auth/login/aad/callback", "/.auth/logout", "/.auth/me"]) {
      expect(ruleFor(p)?.allowedRoles, p).toBeUndefined();
    }
  });

  it("serves the web app manifest and icons without a session (browsers fetch them without cookies)", () => {
    for (const p of ["/manifest.webmanifest", "/icons/icon-192.png"]) {
      expect(ruleFor(p)?.allowedRoles, p).toContain("anonymous");
    }
  });
});

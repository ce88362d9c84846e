import { ProblemError, UserIdSchema, problem } from "@docsift/core";
import { z } from "zod";
import type { HttpRequestType } from "./azure-functions.js";

export interface Caller {
  userId: string;
  name?: string;
  roles: string[];
}

// Easy Auth's principal: base64 JSON with claims; role claims use the type named in role_typ.
const PrincipalSchema = z.looseObject({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.looseObject({ typ: z.string(), val: z.string() })).default([]),
});

// Static Web Apps forwards its own shape to a linked backend: { identityProvider, userId,
// userDetails, userRoles }.
const StaticWebAppsPrincipalSchema = z.looseObject({
  identityProvider: z.string(),
  userId: z.string(),
  userDetails: z.string().optional(),
  userRoles: z.array(z.string()).default([]),
});

const OBJECT_ID_CLAIMS = ["http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];
const NAME_CLAIMS = [
  "name",
  "preferred_username",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
];

function parsePrincipal(header: string, fallbackId: string | null): Caller {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
  } catch {
    throw new ProblemError(
      problem("unauthenticated", { detail: "The client principal header is not valid." }),
    );
  }
  const swa = StaticWebAppsPrincipalSchema.safeParse(decoded);
  if (swa.success) {
    const id = UserIdSchema.safeParse(swa.data.userId);
    if (!id.success)
      throw new ProblemError(
        problem("unauthenticated", { detail: "The signed-in identity has no usable user id." }),
      );
    return {
      userId: id.data,
      ...(swa.data.userDetails ? { name: swa.data.userDetails } : {}),
      roles: swa.data.userRoles.filter((r) => r !== "anonymous" && r !== "authenticated"),
    };
  }
  const parsed = PrincipalSchema.safeParse(decoded);
  if (!parsed.success)
    throw new ProblemError(
      problem("unauthenticated", { detail: "The client principal header is not valid." }),
    );
  const { claims, role_typ, name_typ } = parsed.data;
  const claim = (types: string[]) => claims.find((c) => types.includes(c.typ))?.val;
  const roleType = role_typ ?? "roles";
  const userId = claim(OBJECT_ID_CLAIMS) ?? fallbackId ?? undefined;
  const id = UserIdSchema.safeParse(userId);
  if (!id.success)
    throw new ProblemError(
      problem("unauthenticated", { detail: "The signed-in identity has no usable user id." }),
    );
  const name = claim(name_typ ? [name_typ, ...NAME_CLAIMS] : NAME_CLAIMS);
  return {
    userId: id.data,
    ...(name ? { name } : {}),
    roles: claims.filter((c) => c.typ === roleType || c.typ === "roles").map((c) => c.val),
  };
}

export interface IdentityOptions {
  mode: "easyauth" | "dev";
  devUserId: string;
}

/**
 * The caller, from App Service Easy Auth or, behind the PWA's Static Web App with this app as
 * its linked backend, from Static Web Apps (both strip any client-sent copy of the header). The dev mode, refused by configuration outside the local stack, takes the same header
 * when a test or the CLI sends one and otherwise the configured developer.
 */
export function callerOf(request: HttpRequestType, options: IdentityOptions): Caller {
  const header = request.headers.get("x-ms-client-principal");
  if (header) return parsePrincipal(header, request.headers.get("x-ms-client-principal-id"));
  if (options.mode === "dev") return { userId: options.devUserId, name: options.devUserId, roles: [] };
  throw new ProblemError(problem("unauthenticated"));
}

export function requireRole(caller: Caller, role: string): void {
  if (!caller.roles.includes(role))
    throw new ProblemError(problem("forbidden", { detail: `This route needs the ${role} role.` }));
}

/** Built by the one encoder in core: tests, the CLI in dev mode and the local PWA use it too. */
export { encodePrincipal } from "@docsift/core";

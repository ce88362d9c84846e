// The header App Service Easy Auth sets for a signed-in caller. The Function App reads it; the
// local stack's dev auth mode, the CLI's `--as`, tests and benchmarks build it with this one
// encoder, so every producer agrees with the parser claim for claim.

export const PRINCIPAL_HEADER = "x-ms-client-principal";
export const OBJECT_ID_CLAIM = "http://schemas.microsoft.com/identity/claims/objectidentifier";

/** Base64 JSON of the Easy Auth client principal for `userId` with the given app roles. */
export function encodePrincipal(userId: string, roles: readonly string[] = [], name = userId): string {
  const claims = [
    { typ: OBJECT_ID_CLAIM, val: userId },
    { typ: "name", val: name },
    ...roles.map((r) => ({ typ: "roles", val: r })),
  ];
  return Buffer.from(
    JSON.stringify({ auth_typ: "aad", name_typ: "name", role_typ: "roles", claims }),
  ).toString("base64");
}

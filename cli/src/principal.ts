// The local stack's dev auth mode reads the caller from the header App Service Easy Auth sets in
// Azure. This mirrors functions/src/lib/identity.ts `encodePrincipal` claim for claim (the CLI
// must not depend on the Function App package); a test decodes it back to prove the shape.

const OBJECT_ID_CLAIM = "http://schemas.microsoft.com/identity/claims/objectidentifier";

export interface PrincipalClaim {
  typ: string;
  val: string;
}

/** Base64 JSON of the Easy Auth client principal for `userId` with the given app roles. */
export function encodePrincipal(userId: string, roles: readonly string[] = [], name = userId): string {
  const claims: PrincipalClaim[] = [
    { typ: OBJECT_ID_CLAIM, val: userId },
    { typ: "name", val: name },
    ...roles.map((r) => ({ typ: "roles", val: r })),
  ];
  return Buffer.from(
    JSON.stringify({ auth_typ: "aad", name_typ: "name", role_typ: "roles", claims }),
  ).toString("base64");
}

export const PRINCIPAL_HEADER = "x-ms-client-principal";

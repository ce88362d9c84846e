import { describe, expect, it } from "vitest";
import { encodePrincipal } from "../src/principal.js";
// The Function App's own parser: the header this CLI builds must read back as the same caller.
import { callerOf } from "../../functions/src/lib/identity.js";

const asRequest = (header: string) =>
  ({ headers: new Headers({ "x-ms-client-principal": header }) }) as unknown as Parameters<
    typeof callerOf
  >[0];

describe("the dev client principal", () => {
  it("is base64 JSON in Easy Auth's shape", () => {
    const decoded = JSON.parse(
      Buffer.from(encodePrincipal("alice", ["docsift.admin"]), "base64").toString("utf8"),
    );
    expect(decoded).toEqual({
      auth_typ: "aad",
      name_typ: "name",
      role_typ: "roles",
      claims: [
        { typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: "alice" },
        { typ: "name", val: "alice" },
        { typ: "roles", val: "docsift.admin" },
      ],
    });
  });

  it("reads back through the Function App's parser as the same user and roles", () => {
    const caller = callerOf(asRequest(encodePrincipal("oncall@x", ["docsift.admin", "reader"])), {
      mode: "easyauth",
      devUserId: "dev",
    });
    expect(caller).toEqual({ userId: "oncall@x", name: "oncall@x", roles: ["docsift.admin", "reader"] });
  });

  it("carries no role claims when given none", () => {
    expect(callerOf(asRequest(encodePrincipal("bob")), { mode: "dev", devUserId: "dev" }).roles).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { CreateJobRequestSchema, FunctionsConfigSchema, ProblemError, parseConfig } from "@docsift/core";
import {
  HttpRequest,
  InvocationContext,
  callerOf,
  encodePrincipal,
  requireRole,
  withProblems,
} from "../src/index.js";
import { readJson } from "../src/lib/json-body.js";

const request = (init: { method?: string; headers?: Record<string, string>; body?: string }) =>
  new HttpRequest({
    method: init.method ?? "POST",
    url: "http://localhost/api/jobs",
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: { string: init.body } } : {}),
  });

const problemOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProblemError) return err.problem;
    throw err;
  }
  throw new Error("expected a problem");
};

describe("caller identity", () => {
  it("reads the user id, name and roles from Easy Auth's principal", () => {
    const caller = callerOf(
      request({
        headers: { "x-ms-client-principal": encodePrincipal("alice-oid", ["docsift.admin"], "Alice") },
      }),
      { mode: "easyauth", devUserId: "dev" },
    );
    expect(caller).toEqual({ userId: "alice-oid", name: "Alice", roles: ["docsift.admin"] });
    expect(() => requireRole(caller, "docsift.admin")).not.toThrow();
    expect(() => requireRole({ ...caller, roles: [] }, "docsift.admin")).toThrow(ProblemError);
  });

  it("refuses a request without a principal in easyauth mode and uses the developer in dev mode", () => {
    expect(() => callerOf(request({}), { mode: "easyauth", devUserId: "dev" })).toThrow(ProblemError);
    expect(callerOf(request({}), { mode: "dev", devUserId: "dev" }).userId).toBe("dev");
  });

  it("rejects a garbled principal and a user id that is unsafe as a path", () => {
    expect(() =>
      callerOf(request({ headers: { "x-ms-client-principal": "%%%" } }), { mode: "dev", devUserId: "d" }),
    ).toThrow(ProblemError);
    expect(() =>
      callerOf(request({ headers: { "x-ms-client-principal": encodePrincipal("../etc") } }), {
        mode: "dev",
        devUserId: "d",
      }),
    ).toThrow(ProblemError);
    for (const dots of [".", ".."])
      expect(() =>
        callerOf(request({ headers: { "x-ms-client-principal": encodePrincipal(dots) } }), {
          mode: "dev",
          devUserId: "d",
        }),
      ).toThrow(/no usable user id/);
  });
});

describe("user ids at the identity boundary", () => {
  const unsafe = ["alice.", "a b", "a/b", "a\\b", "a%2fb", "a?b", "ünïcode", "x".repeat(129), ""];

  it("answers 401 problem+json to a principal whose user id is not safe for a blob path", async () => {
    for (const userId of unsafe) {
      for (const header of [
        encodePrincipal(userId),
        Buffer.from(JSON.stringify({ identityProvider: "aad", userId, userRoles: [] })).toString("base64"),
      ]) {
        const res = await withProblems(async (req) => {
          callerOf(req, { mode: "easyauth", devUserId: "d" });
          return { status: 200 };
        })(
          request({ headers: { "x-ms-client-principal": header } }),
          new InvocationContext({ invocationId: "i", functionName: "f" }),
        );
        expect(res.status, JSON.stringify(userId)).toBe(401);
        expect((res.headers as Record<string, string>)["content-type"]).toBe("application/problem+json");
        expect(JSON.parse(String(res.body)).detail).toMatch(/no usable user id/);
      }
    }
  });

  it("refuses an unsafe developer id in the configuration, before any request", () => {
    expect(() =>
      parseConfig("functions", FunctionsConfigSchema, {
        DOCSIFT_ENVIRONMENT: "local",
        AUTH_MODE: "dev",
        DEV_USER_ID: "me/you",
        STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
        COSMOS_CONNECTION_STRING: "AccountEndpoint=https://127.0.0.1:8081/;AccountKey=a2V5;",
        SERVICEBUS_CONNECTION_STRING: "Endpoint=sb://127.0.0.1;SharedAccessKeyName=k;SharedAccessKey=a2V5",
        WEBPUBSUB_CONNECTION_STRING: "Endpoint=http://127.0.0.1:7080;AccessKey=a2V5;Version=1.0;",
      }),
    ).toThrow(/DEV_USER_ID/);
  });
});

describe("JSON bodies", () => {
  it("answers 415, 413, 400 malformed and 400 validation with field paths", async () => {
    expect(
      (
        await problemOf(
          readJson(
            request({ headers: { "content-type": "text/plain" }, body: "{}" }),
            CreateJobRequestSchema,
            100,
          ),
        )
      ).status,
    ).toBe(415);
    expect(
      (
        await problemOf(
          readJson(
            request({ headers: { "content-type": "application/json" }, body: "x".repeat(200) }),
            CreateJobRequestSchema,
            100,
          ),
        )
      ).status,
    ).toBe(413);
    const malformed = await problemOf(
      readJson(
        request({ headers: { "content-type": "application/json" }, body: "{nope" }),
        CreateJobRequestSchema,
        100,
      ),
    );
    expect(malformed.type).toMatch(/malformed-json$/);
    const invalid = await problemOf(
      readJson(
        request({
          headers: { "content-type": "application/json" },
          body: '{"fileName":"a","contentType":"application/pdf","sizeBytes":-1,"x":1}',
        }),
        CreateJobRequestSchema,
        1000,
      ),
    );
    expect(invalid.errors?.map((e) => e.field).sort()).toEqual(["(body)", "sizeBytes"]);
  });

  it("turns unexpected errors into a 500 problem with a reference, never a crash", async () => {
    const logs: unknown[][] = [];
    const context = new InvocationContext({
      invocationId: "inv-1",
      functionName: "f",
      logHandler: (_level, ...args) => void logs.push(args),
    });
    const res = await withProblems(async () => {
      throw new Error("boom");
    })(request({}), context);
    expect(res.status).toBe(500);
    expect((res.headers as Record<string, string>)["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(String(res.body)).detail).toContain("inv-1");
    expect(logs).toHaveLength(1);
  });
});

describe("Static Web Apps principal", () => {
  it("reads the shape a linked Static Web App forwards", () => {
    const header = Buffer.from(
      JSON.stringify({
        identityProvider: "aad",
        userId: "d4f1c2a9e8b74c0f",
        userDetails: "ann@contoso.com",
        userRoles: ["anonymous", "authenticated", "docsift.admin"],
      }),
    ).toString("base64");
    const caller = callerOf(request({ headers: { "x-ms-client-principal": header } }), {
      mode: "easyauth",
      devUserId: "d",
    });
    expect(caller).toEqual({ userId: "d4f1c2a9e8b74c0f", name: "ann@contoso.com", roles: ["docsift.admin"] });
  });
});

import { problem } from "@docsift/core";
import { describe, expect, it } from "vitest";
import { ApiError, parseProblem, renderProblem } from "../src/api/problem.js";

describe("problem rendering", () => {
  it("prints title: detail (field: message)", () => {
    expect(
      renderProblem({
        title: "The request is not valid",
        detail: "Check the upload.",
        errors: [{ field: "sizeBytes", message: "must be at most 1048576" }],
      }),
    ).toBe("The request is not valid: Check the upload. (sizeBytes: must be at most 1048576)");
  });

  it("does not repeat field errors the detail already spells out", () => {
    const p = problem("validation-failed", {
      detail: "sizeBytes: must be at most 10; fileName: too long",
      errors: [
        { field: "sizeBytes", message: "must be at most 10" },
        { field: "fileName", message: "too long" },
      ],
    });
    expect(renderProblem(p)).toBe(
      "The request is not valid: sizeBytes: must be at most 10; fileName: too long",
    );
  });

  it("prints the title alone when there is nothing more", () => {
    expect(renderProblem(problem("not-found"))).toBe("Not found");
  });

  it("tells a caller without the admin role what is missing on the ops routes", () => {
    const err = new ApiError(
      403,
      problem("forbidden", { detail: "This route needs the docsift.admin role." }),
      "GET",
      "/api/ops/dead-letters",
    );
    expect(err.message.split("\n")[0]).toBe(
      "You are not allowed to do this: This route needs the docsift.admin role.",
    );
    expect(err.message).toMatch(/dlq commands need the docsift admin role \(docsift\.admin\)/);
    expect(err.json).toMatchObject({
      status: 403,
      problem: { type: "https://docsift.dev/problems/forbidden" },
    });
  });

  it("explains how to sign in on a 401", () => {
    const err = new ApiError(401, undefined, "GET", "/api/jobs", "");
    expect(err.message).toMatch(/^HTTP 401 from GET \/api\/jobs\n/);
    expect(err.message).toContain("az account get-access-token --resource <app id uri>");
  });

  it("says when to try again after a per-user limit refused a job", () => {
    const err = new ApiError(
      429,
      problem("too-many-requests", {
        code: "JOB_RATE_LIMITED",
        detail: "At most 30 jobs can be created per minute.",
      }),
      "POST",
      "/api/jobs",
      "",
      "17",
    );
    expect(err.message).toBe(
      "Too many requests; try again later: At most 30 jobs can be created per minute.\nTry again in 17 s (the API's per-user limits; a script submitting many files should wait as long between them).",
    );
    expect(new ApiError(429, undefined, "POST", "/api/jobs").message).toMatch(/\nTry again later \(/);
  });

  it("shows the start of a body that is not a problem document", () => {
    expect(new ApiError(502, undefined, "GET", "/api/jobs", "<html>Bad gateway</html>").message).toBe(
      "HTTP 502 from GET /api/jobs: <html>Bad gateway</html>",
    );
  });

  it("parses problem+json and ignores anything else", () => {
    const text = JSON.stringify(problem("conflict", { detail: "x" }));
    expect(parseProblem("application/problem+json", text)?.title).toMatch(/state that does not allow/);
    expect(parseProblem("text/html", text)).toBeUndefined();
    expect(parseProblem("application/json", "{not json")).toBeUndefined();
    expect(parseProblem("application/json", '{"hello":1}')).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { sameOriginPath } from "../src/lib/same-origin.js";

const origin = "https://docsift.example";

describe("notification targets stay on the app's origin", () => {
  it("keeps in-app paths with their query and hash", () => {
    expect(sameOriginPath("/jobs/0f8fad5b-d9cb-469f-a165-70867728950e", origin)).toBe(
      "/jobs/0f8fad5b-d9cb-469f-a165-70867728950e",
    );
    expect(sameOriginPath("/?tab=jobs#top", origin)).toBe("/?tab=jobs#top");
    expect(sameOriginPath(`${origin}/jobs/x`, origin)).toBe("/jobs/x");
  });

  it("sends protocol-relative, backslash, absolute and script URLs to the start page", () => {
    for (const path of [
      "//evil.example/phish",
      "/\\evil.example/phish",
      "\\\\evil.example",
      "https://evil.example/jobs/1",
      "javascript:alert(1)",
      "http://docsift.example/jobs/1",
    ])
      expect(sameOriginPath(path, origin), path).toBe("/");
  });

  it("falls back to the start page for anything that is not a path", () => {
    for (const value of [undefined, null, "", 42, { url: "/jobs/1" }])
      expect(sameOriginPath(value, origin)).toBe("/");
  });
});

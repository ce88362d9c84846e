import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, createApiClient } from "../src/api.js";
import { checkContent, checkFile, contentTypeOf, formatBytes } from "../src/validate.js";

describe("API client", () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url === "/api/jobs" && req.method === "POST") {
          res.writeHead(400, { "content-type": "application/problem+json" });
          return res.end(
            JSON.stringify({
              type: "https://docsift.dev/problems/validation-failed",
              title: "The request is not valid",
              status: 400,
              detail: "sizeBytes must be at most 104857600.",
              errors: [{ field: "sizeBytes", message: "must be at most 104857600" }],
            }),
          );
        }
        if (req.url === "/api/me")
          return res
            .writeHead(502, "Bad Gateway", { "content-type": "text/html" })
            .end("<h1>bad gateway</h1>");
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ items: [], continuationToken: "next" }));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("turns problem+json into an ApiError with the field errors", async () => {
    const api = createApiClient({ baseUrl: base });
    const err = await api
      .createJob({ fileName: "a.pdf", contentType: "application/pdf", sizeBytes: 1e9 }, "key-1")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      message: "sizeBytes must be at most 104857600.",
      offline: false,
    });
    expect((err as ApiError).fieldErrors).toEqual([
      { field: "sizeBytes", message: "must be at most 104857600" },
    ]);
    const sent = seen.find((s) => s.url === "/api/jobs")!;
    expect(sent.headers["idempotency-key"]).toBe("key-1");
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(sent.body)).toEqual({
      fileName: "a.pdf",
      contentType: "application/pdf",
      sizeBytes: 1e9,
    });
  });

  it("reports a non-problem failure by status, and an unreachable server as offline", async () => {
    await expect(createApiClient({ baseUrl: base }).me()).rejects.toMatchObject({
      status: 502,
      problem: undefined,
      offline: false,
    });
    const dead = createApiClient({ baseUrl: "http://127.0.0.1:1" });
    await expect(dead.listJobs()).rejects.toMatchObject({ status: 0, offline: true });
  });

  it("pages with limit and continuation token", async () => {
    const page = await createApiClient({ baseUrl: base }).listJobs({ limit: 5, continuationToken: "a b+c" });
    expect(page.continuationToken).toBe("next");
    expect(seen.at(-1)!.url).toBe("/api/jobs?limit=5&continuationToken=a+b%2Bc");
  });
});

describe("client-side file checks (no request)", () => {
  const MB = 1024 * 1024;
  it("accepts the allowed types, by declared type or, when the browser has none, by extension", () => {
    expect(checkFile({ name: "a.pdf", size: 10, type: "application/pdf" })).toEqual({
      ok: true,
      contentType: "application/pdf",
    });
    expect(contentTypeOf({ name: "scan.TIFF", type: "" })).toBe("image/tiff");
    expect(contentTypeOf({ name: "letter.docx", type: "application/octet-stream" })).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
  });

  it("refuses other types even when renamed, empty files and files over 100 MiB, saying what to do", () => {
    expect(checkFile({ name: "photo.png", size: 10, type: "image/gif" })).toMatchObject({ ok: false });
    expect(checkFile({ name: "setup.exe", size: 10, type: "application/x-msdownload" })).toEqual({
      ok: false,
      reason:
        "setup.exe can't be read by docsift. Choose a PDF, Word (.docx), text (.txt), e-invoice (.xml), PNG, JPEG or TIFF file.",
    });
    expect(checkFile({ name: "e.pdf", size: 0, type: "application/pdf" })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("is empty"),
    });
    expect(checkFile({ name: "max.pdf", size: 100 * MB, type: "application/pdf" }).ok).toBe(true);
    expect(checkFile({ name: "big.pdf", size: 100 * MB + 1, type: "application/pdf" })).toEqual({
      ok: false,
      reason: "big.pdf is larger than the 100 MiB limit. Split it or reduce its size.",
    });
    expect(checkFile({ name: "huge.tif", size: 250 * MB, type: "image/tiff" })).toMatchObject({
      reason: "huge.tif (250 MiB) is larger than the 100 MiB limit. Split it or reduce its size.",
    });
    expect(formatBytes(120.5 * MB)).toBe("121 MiB");
    expect(formatBytes(20 * MB)).toBe("20.0 MiB");
  });
});

describe("checkContent: the file's first bytes, as the server checks them at submit", () => {
  const file = (name: string, bytes: number[] | string) => {
    const blob = new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)]);
    return { name, slice: (a: number, b: number) => blob.slice(a, b) };
  };
  const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];

  it("accepts content of the declared kind", async () => {
    expect(await checkContent(file("a.pdf", "%PDF-1.7\n"), "application/pdf")).toEqual({
      ok: true,
      contentType: "application/pdf",
    });
  });

  it("uploads a readable file of another kind as what it is", async () => {
    expect(await checkContent(file("scan.pdf", PNG), "application/pdf")).toEqual({
      ok: true,
      contentType: "image/png",
    });
  });

  it("refuses content docsift cannot read before any job exists, saying what to do", async () => {
    const exe = file("invoice.pdf", [0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]);
    expect(await checkContent(exe, "application/pdf")).toEqual({
      ok: false,
      reason:
        "invoice.pdf is not a PDF, Word (.docx), text (.txt), e-invoice (.xml), PNG, JPEG or TIFF file inside, whatever its name says. Choose a PDF, Word (.docx), text (.txt), e-invoice (.xml), PNG, JPEG or TIFF file.",
    });
  });
});

import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCaptured } from "./capture.js";

let dir: string;
let api: http.Server;
let apiUrl: string;
let requests = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-local-"));
  // Counts what reaches "the API": a file the CLI refuses must never get this far.
  api = http.createServer((_req, res) => {
    requests++;
    res.writeHead(500);
    res.end();
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => api.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, body: Buffer | string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, body);
  return p;
}

describe("submit checks the file before any request", () => {
  it("refuses a file type docsift does not accept", async () => {
    const exe = await file("setup.pdf", Buffer.concat([Buffer.from("MZ\x90\x00"), Buffer.alloc(512)]));
    const r = await runCaptured(["--api", apiUrl, "--as", "alice", "submit", exe]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${exe} is not a supported document: docsift accepts PDF, DOCX, plain text, PNG/JPEG/TIFF images and XML e-invoices (UBL, CII).\n`,
    );
    expect(requests).toBe(0);
  });

  it("refuses a file over 100 MiB", async () => {
    const big = path.join(dir, "big.pdf");
    const handle = await open(big, "w");
    await handle.write("%PDF-1.7\n");
    await handle.truncate(100 * 1024 * 1024 + 1);
    await handle.close();
    const r = await runCaptured(["--api", apiUrl, "--json", "submit", big]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /is 104,857,601 bytes; docsift accepts documents up to 104,857,600 bytes \(100 MiB\)/,
    );
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      sizeBytes: 100 * 1024 * 1024 + 1,
    });
    expect(requests).toBe(0);
  });

  it("refuses an XML invoice over 32 MiB, far under the general cap, and extract does too", async () => {
    const big = path.join(dir, "huge-invoice.xml");
    const handle = await open(big, "w");
    await handle.write(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">`);
    await handle.truncate(40 * 1024 * 1024);
    await handle.close();
    for (const args of [
      ["--api", apiUrl, "--json", "submit", big],
      ["--json", "extract", big],
    ]) {
      const r = await runCaptured(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is 40.0 MiB; docsift accepts XML e-invoices up to 32.0 MiB\.\n$/);
      expect(JSON.parse(r.stdout).error).toMatchObject({
        code: "DOCUMENT_TOO_LARGE",
        maxBytes: 32 * 1024 * 1024,
      });
    }
    expect(requests).toBe(0);
  });

  it("refuses an empty file and a missing one", async () => {
    const empty = await file("empty.txt", "");
    expect((await runCaptured(["--api", apiUrl, "submit", empty])).stderr).toMatch(/is empty/);
    const missing = await runCaptured(["--api", apiUrl, "submit", path.join(dir, "nope.pdf")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.pdf: no such file\./);
    expect(requests).toBe(0);
  });

  it("reports an unreachable API without a stack trace", async () => {
    const pdf = await file("a.pdf", "%PDF-1.7\n%%EOF\n");
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await runCaptured(["--api", `http://127.0.0.1:${port}`, "submit", pdf]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Cannot reach the docsift API at http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});

describe("extract applies the service's caps before reading, with its error codes", () => {
  it("refuses a file over 100 MiB as DOCUMENT_TOO_LARGE", async () => {
    const big = path.join(dir, "big-extract.pdf");
    const handle = await open(big, "w");
    await handle.write("%PDF-1.7\n");
    await handle.truncate(100 * 1024 * 1024 + 1);
    await handle.close();
    const r = await runCaptured(["--json", "extract", big]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      sizeBytes: 100 * 1024 * 1024 + 1,
      maxBytes: 100 * 1024 * 1024,
    });
  });

  it("refuses an empty file and content docsift does not read", async () => {
    const empty = await runCaptured(["--json", "extract", await file("empty-extract.pdf", "")]);
    expect(empty.code).toBe(1);
    expect(JSON.parse(empty.stdout).error).toMatchObject({ code: "EMPTY_DOCUMENT" });
    const exe = await file(
      "setup-extract.pdf",
      Buffer.concat([Buffer.from("MZ\x90\x00"), Buffer.alloc(512)]),
    );
    const unsupported = await runCaptured(["--json", "extract", exe]);
    expect(unsupported.code).toBe(1);
    expect(JSON.parse(unsupported.stdout).error).toMatchObject({ code: "UNSUPPORTED_DOCUMENT" });
  });

  it("names the caps in its help", async () => {
    const help = (await runCaptured(["extract", "--help"])).stdout.replace(/\s+/g, " ");
    for (const cap of [
      "100 MiB (DOCUMENT_TOO_LARGE)",
      "2000 pages (TOO_MANY_PAGES)",
      "first 20 scanned pages",
    ])
      expect(help).toContain(cap);
  });
});

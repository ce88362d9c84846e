import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExtractedPage } from "@docsift/core";
import { HEAD_BYTES, readDocument, type ReadOptions } from "@docsift/extraction";

/** A fresh folder for one test file's documents. */
export async function scratchDir(): Promise<{
  dir: string;
  path(name: string): string;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "docsift-extraction-test-"));
  return { dir, path: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function headOf(path: string): Promise<Buffer> {
  const file = await open(path, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Reads a document fully; throws whatever the reader throws. */
export async function readAll(path: string, opts: ReadOptions = {}) {
  const reading = readDocument({ path, head: await headOf(path) }, opts);
  const pages: ExtractedPage[] = [];
  for await (const page of reading.pages) pages.push(page);
  return { kind: reading.kind, pages, stats: reading.stats() };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function failureOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error("expected a failure, but it succeeded");
}

export const texts = (page: ExtractedPage): string[] => page.lines.map((l) => l.text);

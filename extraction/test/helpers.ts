import { mkdtemp, rm } from "node:fs/promises";
import { readFile } from "node:fs/promises";
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
  return (await readFile(path)).subarray(0, HEAD_BYTES);
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

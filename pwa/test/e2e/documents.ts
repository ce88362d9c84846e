import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { generateDocument, renderPdf } from "@docsift/model/synthetic";

/** A one-page synthetic invoice PDF (the model's held-out split), rendered with pdfkit. */
export async function writeInvoicePdf(file: string, seed: number): Promise<void> {
  await renderPdf(generateDocument(seed, { docType: "invoice", locale: "en", split: "heldout" }), file);
}

/**
 * Grows a PDF to `targetBytes` the way an editor's incremental save does: an appended
 * (unreferenced) stream object, then a new xref section and trailer chained to the old one by
 * /Prev. The result is a valid PDF that opens to the same pages: big on the wire, cheap to read.
 */
export async function padPdf(source: string, dest: string, targetBytes: number): Promise<void> {
  const original = await readFile(source);
  const text = original.toString("latin1");
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  const trailer = text.slice(text.lastIndexOf("trailer"));
  const size = Number(/\/Size (\d+)/.exec(trailer)?.[1]);
  const root = /\/Root (\d+ \d+ R)/.exec(trailer)?.[1];
  if (!Number.isFinite(prev) || !size || !root) throw new Error(`cannot pad ${source}: no classic trailer`);

  const header = Buffer.from(`\n${size} 0 obj\n<< /Length LENGTH_PLACEHOLDER >>\nstream\n`, "latin1");
  const tailFor = (objectOffset: number, xrefOffset: number) =>
    Buffer.from(
      `\nendstream\nendobj\nxref\n0 1\n0000000000 65535 f \n${size} 1\n${String(objectOffset).padStart(10, "0")} 00000 n \n` +
        `trailer\n<< /Size ${size + 1} /Root ${root} /Prev ${prev} >>\nstartxref\n${xrefOffset}\n%%EOF\n`,
      "latin1",
    );
  const overhead = header.length + 200 + tailFor(0, 0).length;
  const payload = Math.max(1, targetBytes - original.length - overhead);
  const head = Buffer.from(
    header.toString("latin1").replace("LENGTH_PLACEHOLDER", String(payload)),
    "latin1",
  );
  const objectOffset = original.length + 1;
  const xrefOffset = original.length + head.length + payload + "\nendstream\nendobj\n".length;

  const out = createWriteStream(dest);
  const write = async (chunk: Buffer) => {
    if (!out.write(chunk)) await once(out, "drain");
  };
  await write(original);
  await write(head);
  const block = randomBytes(1024 * 1024);
  for (let left = payload; left > 0; left -= block.length)
    await write(left >= block.length ? block : block.subarray(0, left));
  await write(tailFor(objectOffset, xrefOffset));
  out.end();
  await once(out, "finish");
  const written = (await stat(dest)).size;
  if (Math.abs(written - targetBytes) > 1024)
    throw new Error(`padded PDF is ${written} bytes, wanted ${targetBytes}`);
}

/** A file of `bytes` bytes, quickly: for size checks that must fail before any upload. */
export async function writeFiller(file: string, bytes: number): Promise<void> {
  const fd = await import("node:fs/promises").then((fs) => fs.open(file, "w"));
  await fd.truncate(bytes);
  await fd.close();
}

export const writeText = (file: string, text: string) => writeFile(file, text, "utf8");

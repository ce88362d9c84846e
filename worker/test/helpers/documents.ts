import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { FieldName, JobResult } from "@docsift/core";
import { generateDocument, renderDocx, renderPdf, renderText } from "@docsift/model/synthetic";
import type { Truth } from "@docsift/model/synthetic";

export type Kind = "pdf" | "docx" | "text";

/** A synthetic invoice with known truth, written as a real file of the given kind. */
export async function writeInvoice(
  dir: string,
  kind: Kind,
  seed: number,
): Promise<{ file: string; truth: Truth }> {
  const doc = generateDocument(seed, { docType: "invoice", locale: "en", split: "heldout" });
  const file = path.join(dir, `invoice-${seed}.${kind === "text" ? "txt" : kind}`);
  if (kind === "pdf") await renderPdf(doc, file);
  else if (kind === "docx") await renderDocx(doc, file);
  else await writeFile(file, renderText(doc), "utf8");
  return { file, truth: doc.truth };
}

/** Fields the result got exactly right. */
export function correctFields(result: JobResult, truth: Truth): FieldName[] {
  return (Object.keys(truth.fields) as FieldName[]).filter(
    (f) => result.fields[f]?.value === truth.fields[f],
  );
}

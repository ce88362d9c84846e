import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { DEFAULT_MAX_UPLOAD_BYTES, contentTypeOfKind, maxBytesOfKind, sniffKind } from "@docsift/core";
import type { AllowedContentType, DocumentKind } from "@docsift/core";
// The light entry point: the package root would load the PDF and DOCX readers into every command.
import { readFileHead } from "@docsift/extraction/sniff";
import { CliError } from "./errors.js";
import { formatBytes } from "./render/format.js";

export interface LocalDocument {
  path: string;
  sizeBytes: number;
  head: Uint8Array;
  kind: DocumentKind;
  contentType: AllowedContentType;
}

/** Size and kind of a file, checked the way the API will check it, before anything is sent. */
export async function inspectLocalDocument(
  path: string,
  maxBytes = DEFAULT_MAX_UPLOAD_BYTES,
): Promise<LocalDocument> {
  const info = await statFile(path);
  if (info.size === 0) throw new CliError(`${path} is empty.`, { code: "EMPTY_DOCUMENT", path });
  if (info.size > maxBytes) throw tooLarge(path, info.size, maxBytes, "documents");
  const head = await readFileHead(path);
  const kind = sniffKind(head);
  const contentType = kind ? contentTypeOfKind(kind) : undefined;
  if (!kind || !contentType)
    throw new CliError(
      `${path} is not a supported document: docsift accepts PDF, DOCX, plain text, PNG/JPEG/TIFF images and XML e-invoices (UBL, CII).`,
      {
        code: "UNSUPPORTED_DOCUMENT",
        path,
      },
    );
  const kindMax = maxBytesOfKind(kind, maxBytes);
  if (info.size > kindMax) throw tooLarge(path, info.size, kindMax, "XML e-invoices");
  return { path, sizeBytes: info.size, head, kind, contentType };
}

function tooLarge(path: string, sizeBytes: number, maxBytes: number, what: string): CliError {
  // Just over the cap, both round to the same figure: then the exact byte counts say it.
  const [size, max] =
    formatBytes(sizeBytes) === formatBytes(maxBytes)
      ? [
          `${sizeBytes.toLocaleString("en-US")} bytes`,
          `${maxBytes.toLocaleString("en-US")} bytes (${formatBytes(maxBytes)})`,
        ]
      : [formatBytes(sizeBytes), formatBytes(maxBytes)];
  return new CliError(`${path} is ${size}; docsift accepts ${what} up to ${max}.`, {
    code: "DOCUMENT_TOO_LARGE",
    path,
    sizeBytes,
    maxBytes,
  });
}

export async function statFile(path: string) {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      code === "ENOENT" ? `${path}: no such file.` : `${path}: cannot read it (${code ?? String(err)}).`,
      {
        code: "FILE_UNREADABLE",
        path,
      },
    );
  }
  if (!info.isFile()) throw new CliError(`${path} is not a regular file.`, { code: "FILE_UNREADABLE", path });
  return info;
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>)
    hash.update(chunk);
  return hash.digest("hex");
}

// Pure modules of @docsift/core, imported by path: its index also exports the zod schemas,
// which would add the whole of zod to the bundle for a few constants.
import {
  ALLOWED_CONTENT_TYPES,
  contentTypeOfKind,
  kindOfContentType,
  sniffKind,
} from "../../core/src/documents.js";
import type { AllowedContentType } from "../../core/src/documents.js";
import { formatBytes } from "../../core/src/format-bytes.js";
import { DEFAULT_MAX_UPLOAD_BYTES } from "../../core/src/names.js";

export { formatBytes };

export const MAX_UPLOAD_BYTES = DEFAULT_MAX_UPLOAD_BYTES;

/** File name endings per allowed type: browsers give an empty `type` for some (TIFF, DOCX on some systems). */
export const EXTENSIONS: Record<AllowedContentType, string[]> = {
  "application/pdf": [".pdf"],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [".docx"],
  "text/plain": [".txt"],
  "image/png": [".png"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/tiff": [".tif", ".tiff"],
  "application/xml": [".xml"],
  "text/xml": [],
};

/** The `accept` attribute of the file picker. */
export const ACCEPT = [...Object.keys(ALLOWED_CONTENT_TYPES), ...Object.values(EXTENSIONS).flat()].join(",");

export const ALLOWED_DESCRIPTION =
  "a PDF, Word (.docx), text (.txt), e-invoice (.xml), PNG, JPEG or TIFF file";

export type FileCheck = { ok: true; contentType: AllowedContentType } | { ok: false; reason: string };

export function contentTypeOf(file: { name: string; type: string }): AllowedContentType | undefined {
  const declared = file.type.split(";")[0]!.trim().toLowerCase();
  if (declared in ALLOWED_CONTENT_TYPES) return declared as AllowedContentType;
  const lower = file.name.toLowerCase();
  // Only trust the name when the browser had no type: "image/gif" named ".png" is still a GIF.
  if (declared && declared !== "application/octet-stream") return undefined;
  for (const [type, endings] of Object.entries(EXTENSIONS))
    if (endings.some((e) => lower.endsWith(e))) return type as AllowedContentType;
  return undefined;
}

/** Client-side checks before any request: type, emptiness and size, each with a message that says what to do. */
export function checkFile(
  file: { name: string; size: number; type: string },
  maxBytes = MAX_UPLOAD_BYTES,
): FileCheck {
  const contentType = contentTypeOf(file);
  if (!contentType)
    return { ok: false, reason: `${file.name} can't be read by docsift. Choose ${ALLOWED_DESCRIPTION}.` };
  if (file.size === 0) return { ok: false, reason: `${file.name} is empty. Choose a file that has content.` };
  if (file.size > maxBytes) {
    const size = formatBytes(file.size);
    const limit = formatBytes(maxBytes);
    return {
      ok: false,
      reason: `${file.name}${size !== limit ? ` (${size})` : ""} is larger than the ${limit} limit. Split it or reduce its size.`,
    };
  }
  return { ok: true, contentType };
}

/** Bytes read to tell a file's kind from its content, as the server and the CLI do. */
const HEAD_BYTES = 512;

/**
 * The file's content, checked as the server will check it at submit: by its first bytes, not its
 * name. A file whose content is another kind docsift reads is uploaded as that kind (a PNG named
 * .pdf); one whose content docsift cannot read is refused here, before a job exists, so no job is
 * left waiting for an upload that the server would refuse.
 */
export async function checkContent(
  file: { name: string; slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> } },
  declared: AllowedContentType,
): Promise<FileCheck> {
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  const kind = sniffKind(head);
  if (kind === kindOfContentType(declared)) return { ok: true, contentType: declared };
  const actual = kind ? contentTypeOfKind(kind) : undefined;
  if (actual) return { ok: true, contentType: actual };
  return {
    ok: false,
    reason: `${file.name} is not ${ALLOWED_DESCRIPTION} inside, whatever its name says. Choose ${ALLOWED_DESCRIPTION}.`,
  };
}

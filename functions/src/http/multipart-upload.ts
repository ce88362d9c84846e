import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";
import {
  DocsiftError,
  ProblemError,
  createJob,
  kindOfContentType,
  problem,
  sanitizeFileName,
  uploadBlobName,
} from "@docsift/core";
import type { Job, Versioned } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { submitJob } from "../jobs-service.js";
import type { HttpRequestType } from "../lib/azure-functions.js";

/**
 * The one-shot form for API clients: multipart field `document` is streamed into Blob as it
 * arrives (the host streams the request; nothing is buffered whole), then the job is created
 * with the size that arrived and submitted like any other.
 */
export async function uploadMultipart(
  deps: FunctionDeps,
  userId: string,
  request: HttpRequestType,
): Promise<Versioned<Job>> {
  if (!request.body)
    throw new ProblemError(problem("validation-failed", { detail: "The multipart body is empty." }));
  const id = randomUUID();
  const blob = { container: deps.config.containers.uploads, name: uploadBlobName(userId, id) };
  const headers = Object.fromEntries(request.headers.entries());
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers,
      limits: {
        files: 1,
        fields: 10,
        parts: 20,
        fieldSize: 64 * 1024,
        fileSize: deps.config.uploads.maxBytes + 1,
      },
    });
  } catch (err) {
    // busboy refuses a multipart content type without a boundary synchronously.
    throw new ProblemError(
      problem("validation-failed", {
        detail: `The multipart body cannot be read: ${(err as Error).message}`,
      }),
    );
  }
  const source = Readable.fromWeb(request.body as unknown as WebReadableStream<Uint8Array>);

  const uploaded = new Promise<{ fileName: string; contentType: string; sizeBytes: number }>(
    (resolve, reject) => {
      let sawFile = false;
      parser.on("file", (field, file, info) => {
        if (field !== "document" || sawFile) {
          file.resume();
          return;
        }
        sawFile = true;
        const contentType = info.mimeType.toLowerCase();
        if (!kindOfContentType(contentType)) {
          file.resume();
          reject(
            new ProblemError(
              problem("validation-failed", {
                code: "UNSUPPORTED_DOCUMENT",
                detail: `Content type ${contentType} is not supported.`,
                errors: [{ field: "document", message: "unsupported content type" }],
              }),
            ),
          );
          return;
        }
        file.on("limit", () =>
          file.destroy(
            new DocsiftError(
              "DOCUMENT_TOO_LARGE",
              `The document is larger than ${deps.config.uploads.maxBytes} bytes.`,
            ),
          ),
        );
        deps.documents
          .upload(blob.container, blob.name, file, { contentType, maxBytes: deps.config.uploads.maxBytes })
          .then(
            (props) =>
              resolve({
                fileName: sanitizeFileName(info.filename ?? "document"),
                contentType,
                sizeBytes: props.sizeBytes,
              }),
            reject,
          );
      });
      parser.on("error", (err) =>
        reject(
          new ProblemError(
            problem("validation-failed", {
              detail: `The multipart body is malformed: ${(err as Error).message}`,
            }),
          ),
        ),
      );
      parser.on("close", () => {
        if (!sawFile)
          reject(
            new ProblemError(
              problem("validation-failed", {
                detail: "Send the file in a multipart field named document.",
                errors: [{ field: "document", message: "missing" }],
              }),
            ),
          );
      });
    },
  );
  source.on("error", (err) => parser.destroy(err));
  source.pipe(parser);

  let file;
  try {
    file = await uploaded;
  } catch (err) {
    source.unpipe(parser);
    source.resume();
    await deps.documents.remove(blob.container, blob.name).catch(() => undefined);
    if (err instanceof DocsiftError && err.code === "DOCUMENT_TOO_LARGE")
      throw new ProblemError(problem("payload-too-large", { code: err.code, detail: err.message }));
    throw err;
  }
  if (file.sizeBytes === 0) {
    await deps.documents.remove(blob.container, blob.name);
    throw new ProblemError(
      problem("validation-failed", {
        code: "EMPTY_DOCUMENT",
        detail: "The document is empty.",
        errors: [{ field: "document", message: "empty" }],
      }),
    );
  }
  await deps.jobs.create(
    createJob({
      id,
      userId,
      ...file,
      blob,
      uploadWindowMs: deps.config.uploads.windowMs,
      at: deps.clock.now(),
    }),
  );
  return submitJob(deps, userId, id);
}

import { ProblemError, problem, problemFromZod } from "@docsift/core";
import type { z } from "zod";
import type { HttpRequestType } from "./azure-functions.js";

/** Reads the body as text, refusing it as soon as it passes `maxBytes` (never buffers more). */
export async function readLimitedText(request: HttpRequestType, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () =>
    new ProblemError(problem("payload-too-large", { detail: `The body must be at most ${maxBytes} bytes.` }));
  if (declared > maxBytes) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function isJson(request: HttpRequestType): boolean {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json");
}

/** JSON body → schema, with 415 / 413 / 400 problems for each way it can be wrong. */
export async function readJson<S extends z.ZodType>(
  request: HttpRequestType,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  if (!isJson(request))
    throw new ProblemError(
      problem("unsupported-media-type", { detail: "Send the body as application/json." }),
    );
  const text = await readLimitedText(request, maxBytes);
  let value: unknown;
  try {
    value = text.length ? JSON.parse(text) : {};
  } catch (err) {
    throw new ProblemError(problem("malformed-json", { detail: (err as Error).message }));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ProblemError(problemFromZod(parsed.error));
  return parsed.data;
}

/** Query string → schema; unknown parameters are refused like unknown body fields. */
export function readQuery<S extends z.ZodType>(request: HttpRequestType, schema: S): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(request.query.entries()));
  if (!parsed.success) throw new ProblemError(problemFromZod(parsed.error));
  return parsed.data;
}

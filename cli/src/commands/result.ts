import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { FIELD_NAMES, ReviewedResultSchema } from "@docsift/core";
import type { FieldName } from "@docsift/core";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { renderReviewedResult } from "../render/reviewed-result.js";
import { parseJobId } from "./jobs.js";

const isField = (name: string): name is FieldName => (FIELD_NAMES as readonly string[]).includes(name);

const unknownField = (name: string) =>
  new UsageError(`"${name}" is not a field; the fields are ${FIELD_NAMES.join(", ")}`);

/** `field=value` pairs and `--absent` names → the PATCH body's fields (null: not in the document). */
export function parseAssignments(
  pairs: string[],
  absent: string[],
): Partial<Record<FieldName, string | null>> {
  const fields: Partial<Record<FieldName, string | null>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`"${pair}" is not field=value`);
    const name = pair.slice(0, eq).trim();
    if (!isField(name)) throw unknownField(name);
    if (name in fields) throw new UsageError(`${name} is given twice`);
    fields[name] = pair.slice(eq + 1);
  }
  for (const name of absent) {
    if (!isField(name)) throw unknownField(name);
    if (name in fields) throw new UsageError(`${name} is given a value and marked absent`);
    fields[name] = null;
  }
  if (Object.keys(fields).length === 0)
    throw new UsageError("name at least one field=value or --absent field");
  return fields;
}

async function readResult(ctx: CommandContext, jobId: string) {
  const { body, headers } = await ctx.api().request("GET", `/api/jobs/${jobId}/result`, {
    schema: ReviewedResultSchema,
  });
  return { result: body, etag: headers.get("etag") ?? "" };
}

export async function resultShowCommand(
  ctx: CommandContext,
  id: string,
  opts: { csv: boolean },
): Promise<number> {
  const jobId = parseJobId(id);
  if (opts.csv) {
    const body = await ctx.api().download(`/api/jobs/${jobId}/result`, { format: "csv" });
    await pipeline(Readable.fromWeb(body as WebReadableStream<Uint8Array>), ctx.io.stdout, { end: false });
    return 0;
  }
  const { result } = await readResult(ctx, jobId);
  ctx.print(() => renderReviewedResult(result), result);
  return 0;
}

/**
 * Reads the result for its etag and writes the values against it: a change someone made in
 * between is refused by the API (412) rather than overwritten.
 */
export async function resultSetCommand(
  ctx: CommandContext,
  id: string,
  pairs: string[],
  opts: { absent: string[] },
): Promise<number> {
  const jobId = parseJobId(id);
  const fields = parseAssignments(pairs, opts.absent);
  const { etag } = await readResult(ctx, jobId);
  const { body } = await ctx.api().request("PATCH", `/api/jobs/${jobId}/result`, {
    body: { fields },
    headers: { "if-match": etag },
    schema: ReviewedResultSchema,
  });
  ctx.print(() => renderReviewedResult(body), body);
  return 0;
}

export async function resultConfirmCommand(
  ctx: CommandContext,
  id: string,
  opts: { field: string[] },
): Promise<number> {
  const jobId = parseJobId(id);
  for (const name of opts.field) if (!isField(name)) throw unknownField(name);
  const { etag } = await readResult(ctx, jobId);
  const { body } = await ctx.api().request("POST", `/api/jobs/${jobId}/result/confirm`, {
    body: opts.field.length ? { fields: opts.field } : {},
    headers: { "if-match": etag },
    schema: ReviewedResultSchema,
  });
  ctx.print(() => renderReviewedResult(body), body);
  return 0;
}

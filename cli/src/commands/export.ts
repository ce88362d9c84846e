import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { CommandContext } from "../context.js";

export interface ExportOptions {
  from?: string;
  to?: string;
  status?: string;
  needsReview?: boolean;
  output?: string;
}

/** The caller's jobs as CSV, copied as it streams in: to a file with --output, else to stdout. */
export async function exportCommand(ctx: CommandContext, opts: ExportOptions): Promise<number> {
  const body = await ctx.api().download("/api/exports/jobs", {
    format: "csv",
    status: opts.status,
    from: opts.from,
    to: opts.to,
    needsReview: opts.needsReview === undefined ? undefined : String(opts.needsReview),
  });
  const source = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  if (opts.output) {
    await pipeline(source, createWriteStream(opts.output));
    ctx.info(`exported to ${opts.output}`);
  } else await pipeline(source, ctx.io.stdout, { end: false });
  return 0;
}

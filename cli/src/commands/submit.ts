import { basename } from "node:path";
import { CreateJobResponseSchema } from "@docsift/core";
import type { CreateJobResponse, JobView } from "@docsift/core";
import { JobAcceptedSchema } from "../api/schemas.js";
import type { CommandContext } from "../context.js";
import { CliError } from "../errors.js";
import { inspectLocalDocument, sha256File } from "../local-file.js";
import { renderJob } from "../render/job.js";
import { formatBytes, formatDuration } from "../render/format.js";
import { createProgress } from "../upload/progress.js";
import { uploadInBlocks } from "../upload/put-blocks.js";
import { waitForJob } from "../wait.js";

export interface SubmitOptions {
  wait: boolean;
  timeoutMs: number;
  /** Overrides the key derived from the file's sha256 (to submit the same file as a new job). */
  idempotencyKey?: string | undefined;
}

const CreateAnswerSchema = CreateJobResponseSchema.or(JobAcceptedSchema);

/**
 * The Idempotency-Key for a file: a retried submit of the same bytes under the same name names
 * the same job. The name is part of it because the API refuses a key reused for a different
 * request (422), and a renamed copy is a different request.
 */
export const idempotencyKeyFor = (sha256: string, fileName: string): string =>
  `sha256:${sha256}:${Buffer.from(fileName).toString("base64url")}`;

/**
 * create job → Put Block × n straight to Blob → Put Block List → submit; then, with --wait,
 * the job's outcome. The file is checked (size, kind) before any request.
 */
export async function submitCommand(ctx: CommandContext, file: string, opts: SubmitOptions): Promise<number> {
  const doc = await inspectLocalDocument(file);
  const sha256 = await sha256File(file);
  const api = ctx.api();
  const { status: createStatus, body: created } = await api.request("POST", "/api/jobs", {
    body: { fileName: basename(file), contentType: doc.contentType, sizeBytes: doc.sizeBytes },
    headers: { "idempotency-key": opts.idempotencyKey ?? idempotencyKeyFor(sha256, basename(file)) },
    schema: CreateAnswerSchema,
  });
  let jobId = created.jobId;
  let status = created.status;

  if ("upload" in created) {
    if (createStatus === 200)
      ctx.info(`resuming job ${jobId}: this file was announced before but not submitted`);
    await upload(ctx, doc, created);
    const { body: submitted } = await api.request("POST", `/api/jobs/${jobId}/submit`, {
      schema: JobAcceptedSchema,
    });
    jobId = submitted.jobId;
    status = submitted.status;
  } else {
    if (status === "DELETED" || status === "EXPIRED")
      throw new CliError(
        `This file was submitted before as job ${jobId}, which is now ${status}. To submit it again as a new job, pass --idempotency-key <any new value>.`,
        { jobId, status },
      );
    ctx.info(`this file was already submitted as job ${jobId} (${status}); not uploading it again`);
  }

  if (!opts.wait) {
    ctx.print(`job ${jobId} ${status}\ncheck it with: docsift status ${jobId}`, { jobId, status, sha256 });
    return 0;
  }
  if (!ctx.config.json) ctx.info(`job ${jobId} ${status}; waiting up to ${formatDuration(opts.timeoutMs)}`);
  const { job, timedOut } = await waitForJob(api, jobId, {
    timeoutMs: opts.timeoutMs,
    signal: ctx.signal,
    onChange: (j) => {
      if (!ctx.config.json) ctx.info(`status: ${j.status}${j.progress ? ` (${j.progress.stage})` : ""}`);
    },
  });
  return finish(ctx, job, timedOut, opts.timeoutMs);
}

function finish(ctx: CommandContext, job: JobView, timedOut: boolean, timeoutMs: number): number {
  if (timedOut) {
    ctx.print(
      `job ${job.id} is still ${job.status} after ${formatDuration(timeoutMs)}; check it later with: docsift status ${job.id}`,
      { ...job, timedOut: true },
    );
    return 1;
  }
  ctx.print(() => renderJob(job), job);
  return job.status === "COMPLETED" ? 0 : 1;
}

async function upload(
  ctx: CommandContext,
  doc: Awaited<ReturnType<typeof inspectLocalDocument>>,
  created: CreateJobResponse,
) {
  const progress = createProgress(doc.sizeBytes, ctx.io);
  const started = Date.now();
  try {
    const { blocks } = await uploadInBlocks({
      url: created.upload.url,
      path: doc.path,
      sizeBytes: doc.sizeBytes,
      blockSizeBytes: created.upload.blockSizeBytes,
      contentType: doc.contentType,
      concurrency: 4,
      signal: ctx.signal,
      onBytes: (n) => progress.add(n),
      onRetry: (what, attempt, delayMs, reason) =>
        progress.note(`retrying ${what} (attempt ${attempt + 1}) in ${formatDuration(delayMs)}: ${reason}`),
    });
    progress.stop();
    if (!ctx.config.json)
      ctx.info(
        `uploaded ${formatBytes(doc.sizeBytes)} in ${blocks} block${blocks === 1 ? "" : "s"} in ${formatDuration(Date.now() - started)}`,
      );
  } catch (err) {
    progress.stop();
    throw err;
  }
}

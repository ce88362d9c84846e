import { JobIdSchema, JobListResponseSchema, JobViewSchema, JOB_STATUSES } from "@docsift/core";
import { z } from "zod";
import type { JobListResponse } from "@docsift/core";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { renderJob, renderJobList } from "../render/job.js";

const RetryResponseSchema = z.object({
  jobId: JobIdSchema,
  status: z.enum(JOB_STATUSES),
  statusUrl: z.string(),
});

export function parseJobId(id: string): string {
  const parsed = JobIdSchema.safeParse(id.trim());
  if (!parsed.success)
    throw new UsageError(`"${id}" is not a job id (a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e)`);
  return parsed.data;
}

export async function statusCommand(ctx: CommandContext, id: string): Promise<number> {
  const jobId = parseJobId(id);
  const { body: job } = await ctx.api().request("GET", `/api/jobs/${jobId}`, { schema: JobViewSchema });
  ctx.print(() => renderJob(job), job);
  return job.status === "FAILED" ? 1 : 0;
}

/** One page of the caller's jobs, newest first; with `all`, every page. */
export async function listCommand(
  ctx: CommandContext,
  opts: { limit: number; all: boolean },
): Promise<number> {
  const items: JobListResponse["items"] = [];
  let token: string | undefined;
  do {
    const { body: page } = await ctx.api().request("GET", "/api/jobs", {
      query: { limit: opts.limit, continuationToken: token },
      schema: JobListResponseSchema,
    });
    items.push(...page.items);
    token = page.continuationToken;
  } while (opts.all && token);
  ctx.print(() => renderJobList(items) + (token ? `\n(more jobs: use --all, or a larger --limit)` : ""), {
    items,
    ...(token ? { continuationToken: token } : {}),
  });
  return 0;
}

export async function deleteCommand(ctx: CommandContext, id: string): Promise<number> {
  const jobId = parseJobId(id);
  await ctx.api().request("DELETE", `/api/jobs/${jobId}`, { schema: undefined });
  ctx.print(`deleted job ${jobId} and its document`, { jobId, deleted: true });
  return 0;
}

/** Puts a failed job back on the queue, where its cause can pass (the API refuses others with why). */
export async function retryCommand(ctx: CommandContext, id: string): Promise<number> {
  const jobId = parseJobId(id);
  const { body } = await ctx.api().request("POST", `/api/jobs/${jobId}/retry`, {
    schema: RetryResponseSchema,
  });
  ctx.print(`job ${body.jobId} is ${body.status} again`, body);
  return 0;
}

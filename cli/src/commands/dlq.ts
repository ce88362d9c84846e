import { DeadLetterRecordSchema } from "@docsift/core";
import type { DeadLetterStatus } from "@docsift/core";
import { DeadLetterPageSchema, ResubmitAnswerSchema } from "../api/schemas.js";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { renderDeadLetter, renderDeadLetterList } from "../render/dead-letter.js";

export interface DlqListOptions {
  reason?: string | undefined;
  status?: DeadLetterStatus | undefined;
  since?: string | undefined;
  limit: number;
}

const path = (id: string, action = "") => {
  if (!id.trim() || id.length > 300)
    throw new UsageError("a dead-letter id is required (see `docsift dlq list`)");
  return `/api/ops/dead-letters/${encodeURIComponent(id)}${action}`;
};

export async function dlqListCommand(ctx: CommandContext, opts: DlqListOptions): Promise<number> {
  const { body: page } = await ctx.api().request("GET", "/api/ops/dead-letters", {
    query: { reason: opts.reason, status: opts.status, since: opts.since, limit: opts.limit },
    schema: DeadLetterPageSchema,
  });
  ctx.print(
    () =>
      renderDeadLetterList(page.items) +
      (page.continuationToken ? "\n(more: narrow with --since/--reason/--status or raise --limit)" : ""),
    page,
  );
  return 0;
}

export async function dlqShowCommand(ctx: CommandContext, id: string): Promise<number> {
  const { body } = await ctx.api().request("GET", path(id), { schema: DeadLetterRecordSchema });
  ctx.print(() => renderDeadLetter(body), body);
  return 0;
}

export async function dlqResubmitCommand(
  ctx: CommandContext,
  id: string,
  note: string | undefined,
): Promise<number> {
  const { body } = await ctx.api().request("POST", path(id, "/resubmit"), {
    body: note ? { note } : {},
    schema: ResubmitAnswerSchema,
  });
  ctx.print(
    `resubmitted: job ${body.job.id} is ${body.job.status} (submission ${body.job.submission})`,
    body,
  );
  return 0;
}

export async function dlqDismissCommand(
  ctx: CommandContext,
  id: string,
  note: string | undefined,
): Promise<number> {
  const { body } = await ctx.api().request("POST", path(id, "/dismiss"), {
    body: note ? { note } : {},
    schema: DeadLetterRecordSchema,
  });
  ctx.print(`dismissed dead letter ${body.id} (job ${body.jobId})`, body);
  return 0;
}

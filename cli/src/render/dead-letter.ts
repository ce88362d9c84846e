import type { DeadLetterRecord } from "@docsift/core";
import { renderTable } from "./table.js";

export function renderDeadLetterList(items: readonly DeadLetterRecord[]): string {
  if (items.length === 0) return "no dead letters";
  return renderTable(
    ["ID", "STATUS", "REASON", "DELIVERIES", "DEAD-LETTERED", "JOB", "DESCRIPTION"],
    items.map((r) => [
      r.id,
      r.status,
      r.reason,
      String(r.deliveryCount),
      r.deadLetteredAt,
      r.jobId,
      r.description,
    ]),
    80,
  );
}

export function renderDeadLetter(r: DeadLetterRecord): string {
  const lines = [
    `dead letter ${r.id}`,
    `status: ${r.status}${r.transient ? " (transient cause)" : " (permanent cause)"}`,
    `job: ${r.jobId}  user: ${r.userId}`,
    `reason: ${r.reason}`,
    `description: ${r.description}`,
    `message: ${r.messageId} (sequence ${r.sequenceNumber}), ${r.deliveryCount} deliveries`,
    `enqueued: ${r.enqueuedAt ?? "?"}  dead-lettered: ${r.deadLetteredAt}  recorded: ${r.recordedAt}`,
  ];
  if (r.actions.length > 0)
    lines.push(
      "",
      renderTable(
        ["ACTION", "BY", "AT", "NOTE"],
        r.actions.map((a) => [a.action, a.by, a.at, a.note ?? ""]),
        80,
      ),
    );
  lines.push("", "message body:", JSON.stringify(r.body, null, 2));
  return lines.join("\n");
}

import { InferenceTaskSchema } from "@docsift/core";
import type { InferenceTask } from "@docsift/core";

export type ParsedTask = { ok: true; task: InferenceTask } | { ok: false; description: string };

/**
 * Reads a task from a message body. Our senders put the object in an AMQP value; bodies sent as
 * JSON text or bytes by other tools are accepted too. Everything is checked against the contract.
 */
export function parseTaskBody(body: unknown): ParsedTask {
  let value = body;
  if (typeof body === "string" || Buffer.isBuffer(body) || body instanceof Uint8Array) {
    const text = Buffer.from(body as Uint8Array | string).toString("utf8");
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, description: `body is not JSON (${text.length} characters of text)` };
    }
  }
  const parsed = InferenceTaskSchema.safeParse(value);
  if (parsed.success) return { ok: true, task: parsed.data };
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`,
  );
  return {
    ok: false,
    description: `body does not match the inference task contract: ${problems.join("; ")}`,
  };
}

import rhea from "rhea";
import type { Entity } from "./entity.js";
import { MessageNotFoundError } from "./entity.js";
import { decodeMessage, type AmqpMessage } from "./message-codec.js";

export interface ManagementReply {
  statusCode: number;
  statusDescription: string;
  errorCondition?: string;
  body?: unknown;
}

const LOCK_LOST = "com.microsoft:message-lock-lost";
const MESSAGE_NOT_FOUND = "com.microsoft:message-not-found";

class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly condition: string,
    message: string,
  ) {
    super(message);
  }
}

type Body = Record<string, unknown>;

function bodyOf(request: AmqpMessage): Body {
  const body = request.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RequestError(400, "amqp:decode-error", "management request body must be a map");
  }
  return body as Body;
}

function listOf(body: Body, key: string): unknown[] {
  const value = body[key];
  if (!Array.isArray(value)) throw new RequestError(400, "amqp:decode-error", `"${key}" must be an array`);
  return value;
}

/** Management lock tokens arrive in GUID order; the broker keys them the same way. */
function lockTokensOf(body: Body): Buffer[] {
  return listOf(body, "lock-tokens").map((t) => {
    if (!Buffer.isBuffer(t) || t.length !== 16) {
      throw new RequestError(400, "amqp:decode-error", "lock tokens must be 16-byte uuids");
    }
    return t;
  });
}

function sequenceNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE(0));
  throw new RequestError(400, "amqp:decode-error", "sequence numbers must be longs");
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function ok(body?: unknown): ManagementReply {
  return { statusCode: 200, statusDescription: "OK", body };
}

function lockLost(): ManagementReply {
  return {
    statusCode: 410,
    statusDescription:
      "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
    errorCondition: LOCK_LOST,
  };
}

function renewLock(entity: Entity, body: Body): ManagementReply {
  const expirations: Date[] = [];
  for (const token of lockTokensOf(body)) {
    const until = entity.renewLock(token);
    if (until === "lock-lost") return lockLost();
    expirations.push(new Date(until));
  }
  return ok({ expirations: rhea.types.wrap_array(expirations, 0x83, undefined) });
}

function updateDisposition(entity: Entity, body: Body): ManagementReply {
  const status = body["disposition-status"];
  const properties = (body["properties-to-modify"] ?? undefined) as Record<string, unknown> | undefined;
  for (const token of lockTokensOf(body)) {
    let result;
    switch (status) {
      case "completed":
        result = entity.complete(token);
        break;
      case "abandoned":
        result = entity.abandon(token, properties);
        break;
      case "defered":
        result = entity.defer(token, properties);
        break;
      case "suspended":
        result = entity.deadLetter(
          token,
          optionalString(body["deadletter-reason"]),
          optionalString(body["deadletter-description"]),
          properties,
        );
        break;
      default:
        throw new RequestError(400, "amqp:invalid-field", `unknown disposition-status "${String(status)}"`);
    }
    if (result === "lock-lost") return lockLost();
  }
  return ok();
}

function peek(entity: Entity, body: Body): ManagementReply {
  const from = sequenceNumber(body["from-sequence-number"]);
  const count = body["message-count"];
  if (typeof count !== "number" || count < 1) {
    throw new RequestError(400, "amqp:invalid-field", "message-count must be a positive int");
  }
  const messages = entity.peek(from, count);
  if (messages.length === 0) return { statusCode: 204, statusDescription: "No Content" };
  return ok({ messages: messages.map((message) => ({ message })) });
}

function schedule(entity: Entity, body: Body): ManagementReply {
  const decoded = listOf(body, "messages").map((entry) => {
    const bytes = (entry as Record<string, unknown> | null)?.message;
    if (!Buffer.isBuffer(bytes))
      throw new RequestError(400, "amqp:decode-error", "scheduled entry lacks message");
    return decodeMessage(bytes);
  });
  const seqs = entity.schedule(decoded);
  return ok({ "sequence-numbers": rhea.types.wrap_array(seqs, 0x81, undefined) });
}

function cancelScheduled(entity: Entity, body: Body): ManagementReply {
  entity.cancelScheduled(listOf(body, "sequence-numbers").map(sequenceNumber));
  return ok();
}

function receiveBySequenceNumber(entity: Entity, body: Body): ManagementReply {
  const seqs = listOf(body, "sequence-numbers").map(sequenceNumber);
  const receiveAndDelete = body["receiver-settle-mode"] === 0;
  const received = entity.receiveDeferred(seqs, receiveAndDelete);
  return ok({
    messages: received.map((r) => {
      const entry: Record<string, unknown> = { message: r.encoded };
      // The SDK does not reorder these tokens, so send them in the GUID order it sends back.
      if (r.lockToken) entry["lock-token"] = rhea.types.wrap_uuid(r.lockToken);
      return entry;
    }),
  });
}

const OPERATIONS: Record<string, (entity: Entity, body: Body) => ManagementReply> = {
  "com.microsoft:renew-lock": renewLock,
  "com.microsoft:update-disposition": updateDisposition,
  "com.microsoft:peek-message": peek,
  "com.microsoft:schedule-message": schedule,
  "com.microsoft:cancel-scheduled-message": cancelScheduled,
  "com.microsoft:receive-by-sequence-number": receiveBySequenceNumber,
};

/** Answers one `<entity>/$management` request. */
export function handleManagementRequest(entity: Entity, request: AmqpMessage): ManagementReply {
  const operation = request.application_properties?.operation;
  const handler = typeof operation === "string" ? OPERATIONS[operation] : undefined;
  if (!handler) {
    return {
      statusCode: 501,
      statusDescription: `The emulator does not implement management operation "${String(operation)}".`,
      errorCondition: "amqp:not-implemented",
    };
  }
  try {
    return handler(entity, bodyOf(request));
  } catch (err) {
    if (err instanceof RequestError) {
      return { statusCode: err.statusCode, statusDescription: err.message, errorCondition: err.condition };
    }
    if (err instanceof MessageNotFoundError) {
      return { statusCode: 404, statusDescription: err.message, errorCondition: MESSAGE_NOT_FOUND };
    }
    throw err;
  }
}

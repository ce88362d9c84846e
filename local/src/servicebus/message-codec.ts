import { randomUUID } from "node:crypto";
import rhea from "rhea";

/** The SDK's batch envelope: one AMQP message whose data sections each hold an encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

export const ANNOTATION = {
  sequenceNumber: "x-opt-sequence-number",
  enqueuedTime: "x-opt-enqueued-time",
  lockedUntil: "x-opt-locked-until",
  scheduledEnqueueTime: "x-opt-scheduled-enqueue-time",
  messageState: "x-opt-message-state",
  deadLetterSource: "x-opt-deadletter-source",
} as const;

/** rhea's decoded message: header and properties fields flattened next to the sections. */
export interface AmqpMessage {
  message_id?: string | number | Buffer;
  ttl?: number;
  delivery_count?: number;
  message_annotations?: Record<string, unknown>;
  application_properties?: Record<string, unknown>;
  body?: unknown;
  [field: string]: unknown;
}

interface DataSection {
  typecode: number;
  content: Buffer | Buffer[];
  multiple?: boolean;
}

function isDataSection(body: unknown): body is DataSection {
  return typeof body === "object" && body !== null && (body as DataSection).typecode === 0x75;
}

/** Splits what arrived on a sender link into the messages it carries. */
export function messagesFromTransfer(format: number, message: unknown): AmqpMessage[] {
  if (format === 0) return [message as AmqpMessage];
  if (format !== BATCH_MESSAGE_FORMAT || !Buffer.isBuffer(message)) {
    throw new Error(`unsupported message format ${format}`);
  }
  const envelope = rhea.message.decode(message) as AmqpMessage;
  if (!isDataSection(envelope.body)) throw new Error("batch envelope without data sections");
  const parts = envelope.body.multiple
    ? (envelope.body.content as Buffer[])
    : [envelope.body.content as Buffer];
  return parts.map((part) => rhea.message.decode(part) as AmqpMessage);
}

export function decodeMessage(bytes: Buffer): AmqpMessage {
  return rhea.message.decode(bytes) as AmqpMessage;
}

/** The SDK's lock renewer is keyed by message id, so every stored message needs one. */
export function ensureMessageId(message: AmqpMessage): void {
  if (message.message_id === undefined || message.message_id === null || message.message_id === "") {
    message.message_id = randomUUID().replace(/-/g, "");
  }
}

export function scheduledTimeOf(message: AmqpMessage): number | undefined {
  const value = message.message_annotations?.[ANNOTATION.scheduledEnqueueTime];
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  return undefined;
}

export interface BrokerAnnotations {
  sequenceNumber: number;
  enqueuedAt: number;
  deliveryCount: number;
  lockedUntil?: number;
  /** 1 = deferred, 2 = scheduled; only peek reports it. */
  state?: number;
}

export function encodeWithAnnotations(message: AmqpMessage, a: BrokerAnnotations): Buffer {
  const annotations: Record<string, unknown> = {
    ...message.message_annotations,
    [ANNOTATION.sequenceNumber]: rhea.types.wrap_long(a.sequenceNumber),
    [ANNOTATION.enqueuedTime]: new Date(a.enqueuedAt),
  };
  if (a.lockedUntil !== undefined) annotations[ANNOTATION.lockedUntil] = new Date(a.lockedUntil);
  if (a.state !== undefined) annotations[ANNOTATION.messageState] = rhea.types.wrap_int(a.state);
  return rhea.message.encode({
    ...message,
    delivery_count: a.deliveryCount,
    message_annotations: annotations,
  });
}

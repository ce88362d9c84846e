/**
 * Wire shapes of the Web PubSub JSON client protocols (`json.webpubsub.azure.v1` and its reliable
 * variant) as @azure/web-pubsub-client 1.0.x reads and writes them.
 */

export const JSON_PROTOCOL = "json.webpubsub.azure.v1";
export const RELIABLE_JSON_PROTOCOL = "json.reliable.webpubsub.azure.v1";

/**
 * `simple` is a WebSocket opened without a subprotocol: the service sends it raw payloads and it
 * cannot join groups or publish.
 */
export type ClientMode = "json" | "reliable" | "simple";

export function modeOfProtocol(protocol: string | undefined): ClientMode | undefined {
  if (protocol === undefined) return "simple";
  if (protocol === JSON_PROTOCOL) return "json";
  if (protocol === RELIABLE_JSON_PROTOCOL) return "reliable";
  return undefined;
}

export type Payload =
  | { dataType: "text"; data: string }
  | { dataType: "json"; data: unknown }
  | { dataType: "binary" | "protobuf"; data: Buffer };

/** What the service pushes to clients: the only messages that carry a `sequenceId`. */
export type DataMessage =
  | { from: "server"; payload: Payload }
  | { from: "group"; group: string; fromUserId: string | undefined; payload: Payload };

export function dataMessageJson(message: DataMessage, sequenceId: number | undefined): string {
  const body: Record<string, unknown> = { type: "message", from: message.from };
  if (message.from === "group") {
    body["group"] = message.group;
    if (message.fromUserId !== undefined) body["fromUserId"] = message.fromUserId;
  }
  body["dataType"] = message.payload.dataType;
  body["data"] = wireData(message.payload);
  if (sequenceId !== undefined) body["sequenceId"] = sequenceId;
  return JSON.stringify(body);
}

/** A client without subprotocol receives the bare payload, text or binary. */
export function rawFrame(payload: Payload): string | Buffer {
  switch (payload.dataType) {
    case "text":
      return payload.data;
    case "json":
      return JSON.stringify(payload.data);
    default:
      return payload.data;
  }
}

function wireData(payload: Payload): unknown {
  return payload.dataType === "binary" || payload.dataType === "protobuf"
    ? payload.data.toString("base64")
    : payload.data;
}

export function connectedJson(
  connectionId: string,
  userId: string | undefined,
  reconnectionToken?: string,
): string {
  return JSON.stringify({ type: "system", event: "connected", userId, connectionId, reconnectionToken });
}

export function disconnectedJson(message: string): string {
  return JSON.stringify({ type: "system", event: "disconnected", message });
}

export type AckErrorName = "Forbidden" | "Duplicate" | "BadRequest" | "InternalServerError";

export function ackJson(ackId: number, error?: { name: AckErrorName; message: string }): string {
  return JSON.stringify(
    error ? { type: "ack", ackId, success: false, error } : { type: "ack", ackId, success: true },
  );
}

export const PONG_JSON = JSON.stringify({ type: "pong" });

export function invokeFailedJson(invocationId: string, name: string, message: string): string {
  return JSON.stringify({ type: "invokeResponse", invocationId, success: false, error: { name, message } });
}

export type ClientMessage =
  | { type: "joinGroup" | "leaveGroup"; group: string; ackId: number | undefined }
  | { type: "sendToGroup"; group: string; payload: Payload; ackId: number | undefined; noEcho: boolean }
  | { type: "event"; event: string; payload: Payload; ackId: number | undefined }
  | { type: "sequenceAck"; sequenceId: number }
  | { type: "ping" }
  | { type: "invoke"; invocationId: string }
  | { type: "cancelInvocation"; invocationId: string };

export class ClientMessageError extends Error {
  constructor(
    message: string,
    /** The frame's ackId when it had a usable one, so the client can be told why it failed. */
    readonly ackId: number | undefined,
  ) {
    super(message);
    this.name = "ClientMessageError";
  }
}

const MAX_GROUP_NAME_LENGTH = 1024;

/** Parses one text frame from a JSON-protocol client; throws ClientMessageError on anything malformed. */
export function parseClientMessage(text: string): ClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ClientMessageError("Frame is not valid JSON", undefined);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ClientMessageError("Frame must be a JSON object", undefined);
  }
  const frame = raw as Record<string, unknown>;
  const ackId = optionalAckId(frame);
  switch (frame["type"]) {
    case "joinGroup":
    case "leaveGroup":
      return { type: frame["type"], group: groupName(frame, ackId), ackId };
    case "sendToGroup":
      return {
        type: "sendToGroup",
        group: groupName(frame, ackId),
        payload: clientPayload(frame, ackId),
        ackId,
        noEcho: frame["noEcho"] === true,
      };
    case "event": {
      const event = frame["event"];
      if (typeof event !== "string" || event === "")
        throw new ClientMessageError("`event` must be a name", ackId);
      return { type: "event", event, payload: clientPayload(frame, ackId), ackId };
    }
    case "sequenceAck": {
      const sequenceId = frame["sequenceId"];
      if (!Number.isSafeInteger(sequenceId) || (sequenceId as number) < 0) {
        throw new ClientMessageError("`sequenceId` must be a non-negative integer", undefined);
      }
      return { type: "sequenceAck", sequenceId: sequenceId as number };
    }
    case "ping":
      return { type: "ping" };
    case "invoke":
    case "cancelInvocation": {
      const invocationId = frame["invocationId"];
      if (typeof invocationId !== "string")
        throw new ClientMessageError("`invocationId` must be a string", ackId);
      return { type: frame["type"], invocationId };
    }
    default:
      throw new ClientMessageError(`Unknown message type ${JSON.stringify(frame["type"])}`, ackId);
  }
}

function optionalAckId(frame: Record<string, unknown>): number | undefined {
  const ackId = frame["ackId"];
  if (ackId === undefined || ackId === null) return undefined;
  if (!Number.isSafeInteger(ackId) || (ackId as number) < 0) {
    throw new ClientMessageError("`ackId` must be a non-negative integer", undefined);
  }
  return ackId as number;
}

function groupName(frame: Record<string, unknown>, ackId: number | undefined): string {
  const group = frame["group"];
  if (typeof group !== "string" || group === "" || group.length > MAX_GROUP_NAME_LENGTH) {
    throw new ClientMessageError(`\`group\` must be a name of 1..${MAX_GROUP_NAME_LENGTH} characters`, ackId);
  }
  return group;
}

function clientPayload(frame: Record<string, unknown>, ackId: number | undefined): Payload {
  const dataType = frame["dataType"];
  const data = frame["data"];
  switch (dataType) {
    case "text":
      if (typeof data !== "string")
        throw new ClientMessageError("`data` must be a string for dataType text", ackId);
      return { dataType, data };
    case "json":
      return { dataType, data };
    case "binary":
    case "protobuf":
      if (typeof data !== "string")
        throw new ClientMessageError(`\`data\` must be base64 for dataType ${dataType}`, ackId);
      return { dataType, data: Buffer.from(data, "base64") };
    default:
      throw new ClientMessageError(`Unsupported dataType ${JSON.stringify(dataType)}`, ackId);
  }
}

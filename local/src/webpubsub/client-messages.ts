import type { Logger } from "pino";
import type { RawData } from "ws";
import type { Hub } from "./hub.js";
import {
  ackJson,
  ClientMessageError,
  invokeFailedJson,
  parseClientMessage,
  PONG_JSON,
  type ClientMessage,
} from "./protocol.js";
import type { ClientSession, Permission } from "./session.js";

/** Acts on one frame a client sent over its WebSocket. */
export function handleClientFrame(
  hub: Hub,
  session: ClientSession,
  data: RawData,
  isBinary: boolean,
  logger: Logger,
): void {
  if (session.mode === "simple") {
    // A subprotocol-less client can only publish to an upstream event handler, which is not emulated.
    logger.debug({ connectionId: session.connectionId }, "dropping frame from a simple WebSocket client");
    return;
  }
  if (isBinary) {
    logger.warn({ connectionId: session.connectionId }, "JSON protocol client sent a binary frame; ignored");
    return;
  }
  let message: ClientMessage;
  try {
    message = parseClientMessage(rawText(data));
  } catch (err) {
    if (!(err instanceof ClientMessageError)) throw err;
    logger.warn({ connectionId: session.connectionId, error: err.message }, "invalid client message");
    if (err.ackId !== undefined)
      session.send(ackJson(err.ackId, { name: "BadRequest", message: err.message }));
    return;
  }
  dispatch(hub, session, message, logger);
}

function dispatch(hub: Hub, session: ClientSession, message: ClientMessage, logger: Logger): void {
  switch (message.type) {
    case "ping":
      session.send(PONG_JSON);
      return;
    case "sequenceAck":
      session.acknowledge(message.sequenceId);
      return;
    case "joinGroup":
    case "leaveGroup":
      withAck(session, message.ackId, "joinLeaveGroup", message.group, () => {
        if (message.type === "joinGroup") hub.join(session, message.group);
        else hub.leave(session, message.group);
      });
      return;
    case "sendToGroup":
      withAck(session, message.ackId, "sendToGroup", message.group, () => {
        hub.deliver(
          hub.membersOf(message.group),
          { from: "group", group: message.group, fromUserId: session.userId, payload: message.payload },
          message.noEcho ? new Set([session.connectionId]) : undefined,
        );
      });
      return;
    case "event":
      // The real service forwards events to the hub's upstream handler; none is emulated, so the
      // event is accepted and logged, which is what a hub without an event handler does.
      withAck(session, message.ackId, undefined, undefined, () => {
        logger.debug(
          { connectionId: session.connectionId, event: message.event },
          "client event (no upstream)",
        );
      });
      return;
    case "invoke":
      session.send(
        invokeFailedJson(
          message.invocationId,
          "NotSupported",
          "The local emulator has no upstream event handler",
        ),
      );
      return;
    case "cancelInvocation":
      return;
  }
}

/**
 * Runs `action` once per ackId and answers the client. An ackId is remembered only when the
 * action succeeded: a retried Forbidden must stay Forbidden, not turn into a "Duplicate", which
 * the SDK treats as success.
 */
function withAck(
  session: ClientSession,
  ackId: number | undefined,
  permission: Permission | undefined,
  group: string | undefined,
  action: () => void,
): void {
  if (permission !== undefined && !session.can(permission, group)) {
    if (ackId !== undefined) {
      session.send(
        ackJson(ackId, {
          name: "Forbidden",
          message: `The connection has no role webpubsub.${permission} for group "${group ?? ""}"`,
        }),
      );
    }
    return;
  }
  if (ackId !== undefined && !session.firstUseOfAckId(ackId)) {
    session.send(
      ackJson(ackId, { name: "Duplicate", message: `Message with ackId ${ackId} was already processed` }),
    );
    return;
  }
  action();
  if (ackId !== undefined) session.send(ackJson(ackId));
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

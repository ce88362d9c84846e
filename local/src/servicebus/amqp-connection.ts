import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { ConnectionOptions, Container, EventContext, Message, Receiver, Sender } from "rhea";
import type { Broker } from "./broker.js";
import { ConnectionClaims } from "./cbs.js";
import { MAX_MESSAGE_SIZE_BYTES } from "./config.js";
import { ConsumerLink } from "./consumer-link.js";
import type { Entity } from "./entity.js";
import { handleManagementRequest } from "./management.js";
import { messagesFromTransfer, type AmqpMessage } from "./message-codec.js";
import {
  deliveryOf,
  linkOf,
  outcomes,
  type DeliveryInternals,
  type ServerConnection,
} from "./rhea-internals.js";

const CBS_ADDRESS = "$cbs";
const MANAGEMENT_SUFFIX = "/$management";
const DEAD_LETTER_CONDITION = "com.microsoft:dead-letter";
const LOCK_LOST_CONDITION = "com.microsoft:message-lock-lost";

type RequestLink = { kind: "cbs" } | { kind: "management"; entity: Entity };

/** Session buffers hold unsettled deliveries; peek-lock consumers may hold many for a long time. */
const SESSION_BUFFER_SIZE = 1 << 16;

/**
 * One client connection: SASL ANONYMOUS, a CBS claim before each entity link, producer links
 * that enqueue, consumer links that deliver and settle, and request/response links for $cbs
 * and `<entity>/$management`.
 */
export class AmqpConnectionHandler {
  private readonly claims = new ConnectionClaims();
  private readonly replyLinks = new Map<string, Sender>();
  private readonly requestLinks = new Map<Receiver, RequestLink>();
  private readonly producers = new Map<Receiver, Entity>();
  private readonly consumers = new Map<Sender, ConsumerLink>();
  readonly connection: ServerConnection;

  constructor(
    container: Container,
    socket: Socket,
    private readonly broker: Broker,
    private readonly log: Logger,
  ) {
    this.connection = container.create_connection({
      id: `sb-${socket.remotePort ?? "client"}-${Date.now().toString(36)}`,
      container_id: "docsift-servicebus-emulator",
      reconnect: false,
      tcp_no_delay: true,
      autoaccept: false,
      treat_modified_as_released: false,
      session_buffer_size: SESSION_BUFFER_SIZE,
    } as unknown as ConnectionOptions) as ServerConnection;
    const c = this.connection;
    c.on("receiver_open", (ctx) => this.onReceiverOpen(ctx));
    c.on("sender_open", (ctx) => this.onSenderOpen(ctx));
    c.on("message", (ctx) => this.onMessage(ctx));
    c.on("sender_flow", (ctx) => this.consumers.get(ctx.sender as Sender)?.onFlow());
    c.on("accepted", (ctx) => this.onOutcome(ctx, "accepted"));
    c.on("rejected", (ctx) => this.onOutcome(ctx, "rejected"));
    c.on("modified", (ctx) => this.onOutcome(ctx, "modified"));
    c.on("released", (ctx) => this.onOutcome(ctx, "released"));
    c.on("sender_close", (ctx) => this.dropSender(ctx.sender as Sender));
    c.on("receiver_close", (ctx) => this.dropReceiver(ctx.receiver as Receiver));
    c.on("sender_error", (ctx) => this.dropSender(ctx.sender as Sender));
    c.on("receiver_error", (ctx) => this.dropReceiver(ctx.receiver as Receiver));
    c.on("disconnected", () => this.dropAll());
    c.on("connection_close", () => this.dropAll());
    c.on("protocol_error", (ctx) => this.log.warn({ err: ctx.error }, "AMQP protocol error"));
    c.on("error", (ctx) => this.log.warn({ err: ctx.error }, "AMQP connection error"));
    // A destroyed socket emits no 'end'; without this rhea's heartbeat timers would outlive it.
    socket.on("close", () => this.connection._disconnected());
    c.accept(socket);
  }

  close(): void {
    if (this.connection.is_open()) this.connection.close();
  }

  private refuse(link: Sender | Receiver, condition: string, description: string): void {
    this.log.debug({ link: link.name, condition }, description);
    // rhea granted credit to an incoming link as it opened; a client sender would take that
    // credit as "attached" and never see the detach error, so take it back before answering.
    const l = linkOf(link);
    l.issue_flow = false;
    if (link.is_receiver()) l.credit = 0;
    link.close({ condition, description });
  }

  /** Echo the client's terminus and settle modes, as a broker accepting the link does. */
  private acceptAttach(link: Sender | Receiver): void {
    const l = linkOf(link);
    const remote = l.remote.attach ?? {};
    if (remote.source) l.set_source(remote.source);
    if (remote.target) l.set_target(remote.target);
    if (remote.snd_settle_mode !== undefined) l.local.attach.snd_settle_mode = remote.snd_settle_mode;
    if (remote.rcv_settle_mode !== undefined) l.local.attach.rcv_settle_mode = remote.rcv_settle_mode;
  }

  /** The entity behind a link address, checking the connection holds a CBS claim for `claimed`. */
  private resolveEntity(link: Sender | Receiver, address: string, claimed = address): Entity | undefined {
    const entity = this.broker.entity(address);
    if (!entity) {
      this.refuse(link, "amqp:not-found", `The messaging entity '${address}' could not be found.`);
      return undefined;
    }
    if (!this.claims.authorizes(claimed)) {
      this.refuse(
        link,
        "amqp:unauthorized-access",
        `Unauthorized access to '${claimed}': put a CBS token first.`,
      );
      return undefined;
    }
    return entity;
  }

  /** The client attached a sender: to $cbs, to `<entity>/$management`, or to a queue. */
  private onReceiverOpen(ctx: EventContext): void {
    const receiver = ctx.receiver as Receiver;
    const address = linkOf(receiver).remote.attach?.target?.address ?? "";
    if (address === CBS_ADDRESS) {
      this.acceptAttach(receiver);
      this.requestLinks.set(receiver, { kind: "cbs" });
      return;
    }
    if (address.endsWith(MANAGEMENT_SUFFIX)) {
      const entity = this.resolveEntity(receiver, address.slice(0, -MANAGEMENT_SUFFIX.length), address);
      if (!entity) return;
      this.acceptAttach(receiver);
      this.requestLinks.set(receiver, { kind: "management", entity });
      return;
    }
    const entity = this.resolveEntity(receiver, address);
    if (!entity) return;
    if (entity.isDeadLetterQueue) {
      this.refuse(receiver, "amqp:not-allowed", `Cannot send to the dead-letter queue '${address}'.`);
      return;
    }
    this.acceptAttach(receiver);
    linkOf(receiver).local.attach.max_message_size = MAX_MESSAGE_SIZE_BYTES;
    this.producers.set(receiver, entity);
  }

  /** The client attached a receiver: a reply link for $cbs/$management, or a queue consumer. */
  private onSenderOpen(ctx: EventContext): void {
    const sender = ctx.sender as Sender;
    const address = linkOf(sender).remote.attach?.source?.address ?? "";
    if (address === CBS_ADDRESS || address.endsWith(MANAGEMENT_SUFFIX)) {
      this.acceptAttach(sender);
      this.replyLinks.set(sender.name, sender);
      return;
    }
    const entity = this.resolveEntity(sender, address);
    if (!entity) return;
    this.acceptAttach(sender);
    const consumer = new ConsumerLink(sender, entity);
    this.consumers.set(sender, consumer);
    entity.addConsumer(consumer);
  }

  private onMessage(ctx: EventContext): void {
    const receiver = ctx.receiver as Receiver;
    const delivery = deliveryOf(ctx);
    const request = this.requestLinks.get(receiver);
    if (request) {
      delivery?.accept();
      this.answer(request, ctx.message as AmqpMessage);
      return;
    }
    const entity = this.producers.get(receiver);
    if (!entity || !delivery) return;
    let messages: AmqpMessage[];
    try {
      const format = (ctx as EventContext & { format?: number }).format ?? 0;
      messages = messagesFromTransfer(format, ctx.message);
    } catch (err) {
      delivery.reject({ condition: "amqp:decode-error", description: (err as Error).message });
      return;
    }
    for (const message of messages) entity.enqueue(message);
    delivery.accept();
  }

  private answer(link: RequestLink, request: AmqpMessage): void {
    const replyTo = typeof request.reply_to === "string" ? request.reply_to : undefined;
    const replyLink = replyTo ? this.replyLinks.get(replyTo) : undefined;
    if (!replyLink) {
      this.log.warn({ replyTo }, "request without a known reply link; dropped");
      return;
    }
    let application_properties: Record<string, unknown>;
    let body: unknown;
    if (link.kind === "cbs") {
      const result = this.claims.putToken(request);
      application_properties = { "status-code": result.status, "status-description": result.description };
    } else {
      const reply = handleManagementRequest(link.entity, request);
      application_properties = { statusCode: reply.statusCode, statusDescription: reply.statusDescription };
      if (reply.errorCondition) application_properties.errorCondition = reply.errorCondition;
      body = reply.body;
    }
    const response: Record<string, unknown> = {
      correlation_id: request.message_id,
      to: replyTo,
      application_properties,
    };
    if (body !== undefined) response.body = body;
    replyLink.send(response as unknown as Message);
  }

  /** A client settled a peek-lock delivery over its receive link. */
  private onOutcome(ctx: EventContext, kind: "accepted" | "rejected" | "modified" | "released"): void {
    const consumer = this.consumers.get(ctx.sender as Sender);
    const delivery = deliveryOf(ctx);
    if (!consumer || !delivery) return;
    const token = consumer.lockTokenOf(delivery);
    if (!token) return;
    const state = delivery.remote_state ?? {};
    const entity = consumer.entity;
    let result;
    switch (kind) {
      case "accepted":
        result = entity.complete(token);
        break;
      case "released":
        result = entity.abandon(token, undefined, false);
        break;
      case "modified":
        result = state.undeliverable_here
          ? entity.defer(token, state.message_annotations)
          : entity.abandon(token, state.message_annotations);
        break;
      case "rejected": {
        const error = state.error ?? {};
        const info = { ...(error.info ?? {}) };
        const reason = info.DeadLetterReason;
        const description = info.DeadLetterErrorDescription;
        delete info.DeadLetterReason;
        delete info.DeadLetterErrorDescription;
        if (error.condition !== DEAD_LETTER_CONDITION) {
          this.log.debug({ condition: error.condition }, "rejected delivery treated as dead-letter");
        }
        result = entity.deadLetter(
          token,
          typeof reason === "string" ? reason : undefined,
          typeof description === "string" ? description : undefined,
          info,
        );
        break;
      }
    }
    this.settle(delivery, result, kind, state.undeliverable_here === true);
  }

  /** Settles with the client's own outcome, or rejects with lock-lost (the SDK reads state.error). */
  private settle(
    delivery: DeliveryInternals,
    result: "ok" | "lock-lost",
    kind: "accepted" | "rejected" | "modified" | "released",
    undeliverableHere: boolean,
  ): void {
    if (result === "ok") {
      const outcome =
        kind === "accepted"
          ? outcomes.accepted()
          : kind === "released"
            ? outcomes.released()
            : kind === "modified"
              ? outcomes.modified({
                  undeliverable_here: undeliverableHere,
                  delivery_failed: !undeliverableHere,
                })
              : outcomes.rejected();
      delivery.update(true, outcome.described());
      return;
    }
    delivery.update(
      true,
      outcomes
        .rejected({
          error: {
            condition: LOCK_LOST_CONDITION,
            description:
              "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
          },
        })
        .described(),
    );
  }

  private dropSender(sender: Sender): void {
    this.replyLinks.delete(sender.name);
    const consumer = this.consumers.get(sender);
    if (consumer) {
      consumer.entity.removeConsumer(consumer);
      this.consumers.delete(sender);
    }
  }

  private dropReceiver(receiver: Receiver): void {
    this.requestLinks.delete(receiver);
    this.producers.delete(receiver);
  }

  private dropAll(): void {
    for (const sender of [...this.consumers.keys()]) this.dropSender(sender);
    this.replyLinks.clear();
    this.requestLinks.clear();
    this.producers.clear();
  }
}

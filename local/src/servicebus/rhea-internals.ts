import type { Socket } from "node:net";
import rhea from "rhea";
import type { Connection, Delivery, EventContext, Receiver, Sender } from "rhea";

/*
 * rhea's typings describe it as a client library. The server side of a broker needs a few
 * members that exist at run time but are not typed (accepting a socket we already read from,
 * the raw attach frames, outcome constructors, the session's unwritten deliveries). They are
 * declared here once so the rest of the emulator stays typed.
 */

export interface AttachFields {
  source?: { address?: string } | null;
  target?: { address?: string } | null;
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: number;
}

export interface LinkInternals {
  name: string;
  local: { attach: AttachFields & Record<string, unknown> };
  remote: { attach?: AttachFields };
  set_source(fields: unknown): void;
  set_target(fields: unknown): void;
  session: { outgoing: { next_delivery_id: number; next_pending_delivery: number } };
  connection: { _register(): void };
  issue_flow: boolean;
  credit: number;
}

export interface SenderInternals extends LinkInternals {
  credit: number;
  delivery_count: number;
  _draining: boolean;
  _drained: boolean;
  _get_drain(): boolean;
}

export interface ServerConnection extends Connection {
  accept(socket: Socket): ServerConnection;
  _disconnected(): void;
}

export interface Outcome {
  error?: { condition?: string; description?: string; info?: Record<string, unknown> | null };
  undeliverable_here?: boolean;
  delivery_failed?: boolean;
  message_annotations?: Record<string, unknown> | null;
}

export interface DeliveryInternals extends Delivery {
  remote_state?: Outcome;
  update(settled: boolean, state?: unknown): void;
}

interface Described {
  described(): unknown;
}

interface OutcomeFactories {
  accepted(): Described;
  released(): Described;
  modified(fields: { undeliverable_here: boolean; delivery_failed?: boolean }): Described;
  rejected(fields?: { error: { condition: string; description: string } }): Described;
}

export const outcomes = rhea.message as unknown as OutcomeFactories;

export function linkOf(link: Sender | Receiver): LinkInternals {
  return link as unknown as LinkInternals;
}

export function senderOf(sender: Sender): SenderInternals {
  return sender as unknown as SenderInternals;
}

export function deliveryOf(context: EventContext): DeliveryInternals | undefined {
  return context.delivery as DeliveryInternals | undefined;
}

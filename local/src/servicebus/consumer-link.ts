import type { Delivery, Sender } from "rhea";
import type { Consumer, Entity } from "./entity.js";
import { reorderGuidBytes } from "./lock-token.js";
import { senderOf, type SenderInternals } from "./rhea-internals.js";

/**
 * A client's receive link on a queue or dead-letter queue. Credit comes from the client's flow
 * frames; a drain request is answered after the next pump with whatever credit is left, even
 * none (rhea only answers drains while credit remains, so that check is replaced here).
 */
export class ConsumerLink implements Consumer {
  readonly receiveAndDelete: boolean;
  private readonly link: SenderInternals;
  private readonly tokens = new WeakMap<Delivery, Buffer>();
  private drainRequested = false;

  constructor(
    private readonly sender: Sender,
    readonly entity: Entity,
  ) {
    this.link = senderOf(sender);
    const remote = this.link.remote.attach ?? {};
    // snd-settle-mode settled (1) is receive-and-delete; otherwise peek-lock with rcv-settle-mode second.
    this.receiveAndDelete = remote.snd_settle_mode === 1;
    const link = this.link;
    link._get_drain = function (this: SenderInternals) {
      if (this._draining && this._drained) {
        this.delivery_count += this.credit;
        this.credit = 0;
        this._drained = false;
        return true;
      }
      return false;
    };
  }

  /** Called on every flow frame from the client. */
  onFlow(): void {
    this.drainRequested = this.link._draining;
    this.entity.schedulePump();
  }

  capacity(): number {
    if (!this.sender.is_open()) return 0;
    const outgoing = this.link.session.outgoing;
    const unwritten = outgoing.next_delivery_id - outgoing.next_pending_delivery;
    return Math.max(0, this.link.credit - unwritten);
  }

  deliver(encoded: Buffer, lockToken: Buffer | undefined): void {
    const tag = lockToken ? reorderGuidBytes(lockToken) : undefined;
    const delivery = this.sender.send(encoded, tag, 0);
    if (lockToken) this.tokens.set(delivery, lockToken);
  }

  pumped(): void {
    if (!this.drainRequested) return;
    this.drainRequested = false;
    this.sender.set_drained(true);
    // set_drained only marks the flow as due; make rhea write it even when nothing else is sent.
    this.link.connection._register();
  }

  lockTokenOf(delivery: Delivery): Buffer | undefined {
    return this.tokens.get(delivery);
  }
}

import { randomBytes } from "node:crypto";

/*
 * A lock token travels in two byte orders. On the receive link it is the 16-byte delivery tag;
 * the SDK swaps it into .NET GUID order to make `message.lockToken`, and management requests
 * (renew-lock, update-disposition) send that GUID back. Deferred messages received over
 * $management carry the GUID order directly. The broker keys locks by the GUID order.
 */

export function newLockToken(): Buffer {
  return randomBytes(16);
}

/** Swaps between delivery-tag order and GUID order (the swap is its own inverse). */
export function reorderGuidBytes(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  if (bytes.length !== 16) return out;
  out[0] = bytes[3] as number;
  out[1] = bytes[2] as number;
  out[2] = bytes[1] as number;
  out[3] = bytes[0] as number;
  out[4] = bytes[5] as number;
  out[5] = bytes[4] as number;
  out[6] = bytes[7] as number;
  out[7] = bytes[6] as number;
  return out;
}

export function lockKey(token: Buffer): string {
  return token.toString("hex");
}

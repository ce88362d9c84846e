import { createHmac, timingSafeEqual } from "node:crypto";

export type SasCheck = { ok: true; audience: string; expiresAt: number } | { ok: false; reason: string };

/**
 * Verifies `SharedAccessSignature sr=..&sig=..&se=..&skn=..` against the emulator's well-known
 * key, the way Azure would, so a client configured with the wrong key fails locally too.
 */
export function verifySasToken(token: unknown, keyName: string, key: string, now = Date.now()): SasCheck {
  if (typeof token !== "string" || !token.startsWith("SharedAccessSignature ")) {
    return { ok: false, reason: "expected a SharedAccessSignature token" };
  }
  const fields = new Map<string, string>();
  for (const part of token.slice("SharedAccessSignature ".length).split("&")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const sr = fields.get("sr");
  const sig = fields.get("sig");
  const se = fields.get("se");
  const skn = fields.get("skn");
  if (!sr || !sig || !se || !skn) return { ok: false, reason: "token lacks sr, sig, se or skn" };
  if (decodeURIComponent(skn) !== keyName) return { ok: false, reason: `unknown key name "${skn}"` };
  const expiresAt = Number(se) * 1000;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return { ok: false, reason: "token expired" };
  const expected = encodeURIComponent(createHmac("sha256", key).update(`${sr}\n${se}`).digest("base64"));
  const a = Buffer.from(expected);
  const b = Buffer.from(sig);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: "signature mismatch" };
  return { ok: true, audience: decodeURIComponent(sr), expiresAt };
}

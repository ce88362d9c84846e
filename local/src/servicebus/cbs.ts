import { WELL_KNOWN_KEY, WELL_KNOWN_KEY_NAME } from "./config.js";
import type { AmqpMessage } from "./message-codec.js";
import { verifySasToken } from "./sas-token.js";

const SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";

/** Entity paths a connection has put tokens for ("" = the whole namespace). */
export class ConnectionClaims {
  private readonly claims = new Map<string, number>();

  /** Handles a `$cbs` put-token request; returns the AMQP status code and description. */
  putToken(request: AmqpMessage): { status: number; description: string } {
    const props = request.application_properties ?? {};
    if (props.operation !== "put-token") {
      return { status: 400, description: `unsupported $cbs operation "${String(props.operation)}"` };
    }
    if (props.type !== SAS_TOKEN_TYPE) {
      return { status: 401, description: `the emulator accepts only ${SAS_TOKEN_TYPE} tokens` };
    }
    const check = verifySasToken(request.body, WELL_KNOWN_KEY_NAME, WELL_KNOWN_KEY);
    if (!check.ok) return { status: 401, description: `InvalidSignature: ${check.reason}` };
    const audience = typeof props.name === "string" ? props.name : check.audience;
    this.claims.set(entityPathOf(audience), check.expiresAt);
    return { status: 202, description: "Accepted" };
  }

  /** Whether an unexpired token covers a link address (`q`, `q/$management`, ...). */
  authorizes(address: string, now = Date.now()): boolean {
    const path = address.replace(/^\/+/, "").toLowerCase();
    for (const [claim, expiresAt] of this.claims) {
      if (expiresAt <= now) continue;
      if (claim === "" || path === claim || path.startsWith(claim + "/")) return true;
    }
    return false;
  }
}

function entityPathOf(audience: string): string {
  try {
    return decodeURIComponent(new URL(audience).pathname)
      .replace(/^\/+|\/+$/g, "")
      .toLowerCase();
  } catch {
    return audience.replace(/^\/+|\/+$/g, "").toLowerCase();
  }
}

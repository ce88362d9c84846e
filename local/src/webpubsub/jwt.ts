import { errors, jwtVerify, type JWTPayload } from "jose";

/** Why a token was refused; the emulator reports it in 401 bodies so a misconfiguration is obvious. */
export type TokenFailure = "missing" | "malformed" | "signature" | "expired" | "audience" | "claims";

export class TokenError extends Error {
  constructor(
    readonly failure: TokenFailure,
    message: string,
  ) {
    super(message);
    this.name = "TokenError";
  }
}

// The SDKs sign with jsonwebtoken, which stamps `iat` from the local clock; a second of skew
// between two processes on one machine must not turn into a spurious 401.
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies an HS256 token signed with the AccessKey exactly as the Web PubSub SDKs sign it
 * (the key string's UTF-8 bytes are the HMAC secret). `acceptAudience` decides whether one of the
 * token's audiences names the resource being accessed.
 */
export async function verifyAccessKeyToken(
  token: string | undefined,
  accessKey: Uint8Array,
  acceptAudience: (audience: string) => boolean,
  expectedAudience: string,
): Promise<JWTPayload> {
  if (!token) throw new TokenError("missing", "No access token: send `Authorization: Bearer <jwt>`");
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, accessKey, {
      algorithms: ["HS256"],
      requiredClaims: ["exp", "aud"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (err) {
    throw toTokenError(err);
  }
  const audiences = typeof payload.aud === "string" ? [payload.aud] : (payload.aud ?? []);
  if (!audiences.some(acceptAudience)) {
    throw new TokenError(
      "audience",
      `Token audience ${JSON.stringify(payload.aud)} does not match ${JSON.stringify(expectedAudience)}`,
    );
  }
  return payload;
}

function toTokenError(err: unknown): TokenError {
  if (err instanceof errors.JWTExpired) return new TokenError("expired", "Access token has expired");
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenError("signature", "Access token signature does not match the AccessKey");
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return new TokenError("malformed", "Access token must be signed with HS256");
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    return new TokenError("claims", `Access token claim rejected: ${err.message}`);
  }
  if (err instanceof errors.JOSEError)
    return new TokenError("malformed", `Malformed access token: ${err.message}`);
  throw err;
}

/** Reads the `role` claim the SDK writes (a string array, or absent when no roles were asked for). */
export function rolesOf(payload: JWTPayload): string[] {
  return stringList(payload["role"]);
}

/** Groups a client joins on connect (`webpubsub.group`, from `getClientAccessToken({ groups })`). */
export function initialGroupsOf(payload: JWTPayload): string[] {
  return stringList(payload["webpubsub.group"]);
}

function stringList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

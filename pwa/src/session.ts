import { ApiError } from "./api.js";
import type { AuthMeResponse, Me } from "./api.js";
import type { PendingUpload } from "./offline/pending.js";

export const SIGN_IN_URL = "/.auth/login/aad?post_login_redirect_uri=/";
export const SIGN_OUT_URL = "/.auth/logout?post_logout_redirect_uri=/";

export type SignInState =
  | { state: "signed-in"; me: Me }
  | { state: "signed-out" }
  /** No answer and the browser is offline: the user is whoever was signed in last. */
  | { state: "offline" }
  /** Online, but neither /api/me nor /.auth/me gave a usable answer. */
  | { state: "unknown"; reason: string };

export interface SignInSources {
  /** `GET /api/me`: the Function App's view (locally, and in Azure through the linked backend). */
  me: () => Promise<Me>;
  /** `GET /.auth/me` of the Static Web App. */
  authMe: () => Promise<AuthMeResponse>;
  isOnline: () => boolean;
}

/**
 * Who is signed in. `/api/me` first; a 401 means signed out. In Azure an unauthenticated
 * `/api/*` call can also come back as a redirect to the sign-in page, which `fetch` reports as
 * a network failure while the browser is online: then the Static Web App's `/.auth/me` decides.
 */
export async function signInState(sources: SignInSources): Promise<SignInState> {
  let first: unknown;
  try {
    return { state: "signed-in", me: await sources.me() };
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return { state: "signed-out" };
    if (!sources.isOnline()) return { state: "offline" };
    first = err;
  }
  try {
    const { clientPrincipal } = await sources.authMe();
    if (!clientPrincipal) return { state: "signed-out" };
    return {
      state: "signed-in",
      me: {
        userId: clientPrincipal.userId,
        name: clientPrincipal.userDetails || clientPrincipal.userId,
        roles: clientPrincipal.userRoles ?? [],
        authMode: "easyauth",
      },
    };
  } catch {
    return { state: "unknown", reason: first instanceof Error ? first.message : String(first) };
  }
}

/** The parts of the device's storage that hold one user's data. */
export interface UserData {
  /** The user signed in last on this device (localStorage in the app). */
  lastUserId: { get(): string | null; set(userId: string): void };
  /** Deletes the service worker's API cache (`caches.delete(API_CACHE)` in the app). */
  clearApiCache(): Promise<void>;
  pending: { list(): Promise<PendingUpload[]>; remove(id: string): Promise<void> };
}

/**
 * Called once the signed-in user is known. Another user than last time (or the first user this
 * device has seen): the cached API answers and the documents queued offline are someone else's,
 * so they go before anything can show or send them.
 */
export async function adoptSignedInUser(
  userId: string,
  data: UserData,
): Promise<{ cleared: boolean; switched: boolean; removedUploads: number }> {
  const last = data.lastUserId.get();
  const changed = last !== userId;
  if (changed) await data.clearApiCache();
  let removedUploads = 0;
  for (const p of await data.pending.list()) {
    // Untagged entries come from before uploads carried their user: keep them only for the same user.
    if (p.userId === userId || (p.userId === undefined && !changed)) continue;
    await data.pending.remove(p.id);
    removedUploads++;
  }
  data.lastUserId.set(userId);
  return { cleared: changed, switched: changed && last !== null, removedUploads };
}

/**
 * Before leaving for `/.auth/logout`: the API cache goes (the next person on this device must
 * not see the list offline). The last user id stays, so the next sign-in is recognised as a
 * switch and that user's queued documents are kept or dropped accordingly.
 */
export async function forgetOnSignOut(data: Pick<UserData, "clearApiCache">): Promise<void> {
  await data.clearApiCache();
}

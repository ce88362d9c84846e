import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api.js";
import type { AuthMeResponse, Me } from "../src/api.js";
import type { PendingUpload } from "../src/offline/pending.js";
import { adoptSignedInUser, forgetOnSignOut, signInState } from "../src/session.js";
import type { UserData } from "../src/session.js";

const alice: Me = { userId: "alice", name: "Alice", roles: [], authMode: "easyauth" };
const fail = (err: unknown) => () => Promise.reject(err);
const unexpected = () => Promise.reject(new Error("must not be asked"));

describe("sign-in state: /api/me first, then the Static Web App's /.auth/me", () => {
  it("uses /api/me when it answers", async () => {
    expect(await signInState({ me: async () => alice, authMe: unexpected, isOnline: () => true })).toEqual({
      state: "signed-in",
      me: alice,
    });
  });

  it("is signed out on a 401 from /api/me", async () => {
    const state = await signInState({
      me: fail(new ApiError("Sign in first.", 401)),
      authMe: unexpected,
      isOnline: () => true,
    });
    expect(state).toEqual({ state: "signed-out" });
  });

  it("is offline, not signed out, when nothing answers and the browser is offline", async () => {
    const state = await signInState({
      me: fail(new ApiError("Could not reach the server.", 0, undefined, true)),
      authMe: unexpected,
      isOnline: () => false,
    });
    expect(state).toEqual({ state: "offline" });
  });

  it("asks /.auth/me when /api/me fails while online (a sign-in redirect fetch cannot follow)", async () => {
    const redirected = fail(
      new ApiError("Could not reach the server (Failed to fetch).", 0, undefined, true),
    );
    const signedOut: AuthMeResponse = { clientPrincipal: null };
    expect(
      await signInState({ me: redirected, authMe: async () => signedOut, isOnline: () => true }),
    ).toEqual({
      state: "signed-out",
    });
    const principal: AuthMeResponse = {
      clientPrincipal: {
        userId: "b1",
        userDetails: "bob@contoso.example",
        identityProvider: "aad",
        userRoles: ["anonymous", "authenticated"],
      },
    };
    expect(
      await signInState({ me: redirected, authMe: async () => principal, isOnline: () => true }),
    ).toEqual({
      state: "signed-in",
      me: {
        userId: "b1",
        name: "bob@contoso.example",
        roles: ["anonymous", "authenticated"],
        authMode: "easyauth",
      },
    });
  });

  it("is unknown, with the first failure as reason, when neither answers", async () => {
    const state = await signInState({
      me: fail(new ApiError("The server answered 502 Bad Gateway.", 502)),
      authMe: fail(new ApiError("The server answered 404 Not Found.", 404)),
      isOnline: () => true,
    });
    expect(state).toEqual({ state: "unknown", reason: "The server answered 502 Bad Gateway." });
  });
});

function device(lastUserId: string | null, pending: Array<Partial<PendingUpload> & { id: string }>) {
  const state = {
    lastUserId,
    cacheDeletes: 0,
    pending: new Map(pending.map((p) => [p.id, p as PendingUpload])),
  };
  const data: UserData = {
    lastUserId: { get: () => state.lastUserId, set: (id) => void (state.lastUserId = id) },
    clearApiCache: async () => void state.cacheDeletes++,
    pending: {
      list: async () => [...state.pending.values()],
      remove: async (id) => void state.pending.delete(id),
    },
  };
  return { state, data };
}

describe("another user on the same device", () => {
  it("keeps the cache and the queued documents of the same user", async () => {
    const { state, data } = device("alice", [{ id: "a1", userId: "alice" }, { id: "old" }]);
    expect(await adoptSignedInUser("alice", data)).toEqual({
      cleared: false,
      switched: false,
      removedUploads: 0,
    });
    expect(state.cacheDeletes).toBe(0);
    expect([...state.pending.keys()]).toEqual(["a1", "old"]);
  });

  it("deletes the API cache and the previous user's queued documents when the user changes", async () => {
    const { state, data } = device("alice", [
      { id: "a1", userId: "alice" },
      { id: "old" },
      { id: "b1", userId: "bob" },
    ]);
    expect(await adoptSignedInUser("bob", data)).toEqual({
      cleared: true,
      switched: true,
      removedUploads: 2,
    });
    expect(state.cacheDeletes).toBe(1);
    expect([...state.pending.keys()]).toEqual(["b1"]);
    expect(state.lastUserId).toBe("bob");
  });

  it("treats the first user a device sees as a change of cache owner, not as a switch", async () => {
    const { state, data } = device(null, [{ id: "old" }]);
    expect(await adoptSignedInUser("alice", data)).toEqual({
      cleared: true,
      switched: false,
      removedUploads: 1,
    });
    expect(state.cacheDeletes).toBe(1);
  });

  it("deletes the API cache on sign-out and remembers who signed out", async () => {
    const { state, data } = device("alice", []);
    await forgetOnSignOut(data);
    expect(state.cacheDeletes).toBe(1);
    expect(state.lastUserId).toBe("alice");
    expect((await adoptSignedInUser("bob", data)).switched).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { PendingDeletes, type Timers } from "../src/ui/pending-deletes.js";

/** Timers that fire only when the test says time has passed. */
function manualTimers() {
  let now = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      due.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (handle) => void due.delete(handle as number),
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const [h, t] of [...due])
      if (t.at <= now) {
        due.delete(h);
        t.fn();
      }
    await Promise.resolve();
  };
  return { timers, advance };
}

describe("deletes with an undo window", () => {
  it("sends the delete only after the window", async () => {
    const { timers, advance } = manualTimers();
    const sent: string[] = [];
    const deletes = new PendingDeletes(8000, timers);
    deletes.schedule("a", async () => void sent.push("a"));
    await advance(7999);
    expect(sent).toEqual([]);
    expect(deletes.has("a")).toBe(true);
    await advance(1);
    expect(sent).toEqual(["a"]);
    expect(deletes.has("a")).toBe(false);
    expect(deletes.undo("a")).toBe(false);
  });

  it("never sends a delete undone in time", async () => {
    const { timers, advance } = manualTimers();
    const sent: string[] = [];
    const deletes = new PendingDeletes(8000, timers);
    deletes.schedule("a", async () => void sent.push("a"));
    deletes.schedule("b", async () => void sent.push("b"));
    expect(deletes.undo("a")).toBe(true);
    await advance(10_000);
    expect(sent).toEqual(["b"]);
  });

  it("sends every waiting delete at once when the page goes away, and each only once", async () => {
    const { timers, advance } = manualTimers();
    const sent: string[] = [];
    const deletes = new PendingDeletes(8000, timers);
    deletes.schedule("a", async () => void sent.push("a"));
    deletes.schedule("b", async () => void sent.push("b"));
    await deletes.flush();
    expect(sent.sort()).toEqual(["a", "b"]);
    await advance(10_000);
    expect(sent).toHaveLength(2);
  });
});

import type { ManagedChild } from "./child-process.js";
import { CrashLoop } from "./crash-loop.js";
import type { RestartPolicy } from "./crash-loop.js";

export interface KeptChild {
  name: string;
  /** The process running now (changes with every restart). */
  current(): ManagedChild;
  stop(graceMs?: number): Promise<void>;
}

export interface KeepRunningOptions {
  policy: RestartPolicy;
  /** One plain line per crash, restart and give-up: what a developer watching `npm start` reads. */
  report: (line: string) => void;
  /** Called once when the child crashed too often; the stack stops then. */
  onGiveUp: (err: Error) => void;
  now?: () => number;
}

const howItExited = (child: ManagedChild): string =>
  child.process.signalCode
    ? `was killed (${child.process.signalCode})`
    : `exited with code ${child.process.exitCode}`;

/**
 * Restarts `first` with `restart` whenever it exits without being asked to, waiting longer after
 * each crash within the policy's window, and gives up when it keeps crashing. A restart that
 * fails (the new process never gets ready) counts as a crash too.
 */
export function keepRunning(
  first: ManagedChild,
  restart: () => Promise<ManagedChild>,
  options: KeepRunningOptions,
): KeptChild {
  const { policy, report } = options;
  const now = options.now ?? Date.now;
  const loop = new CrashLoop(policy);
  const name = first.name;
  let current = first;
  let stopping = false;
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  const crashed = (how: string) => {
    if (stopping || gaveUp) return;
    const verdict = loop.crashed(now());
    const window = `${Math.round(policy.windowMs / 1000)} s`;
    if (!verdict.restart) {
      gaveUp = true;
      const message = `${name} ${how}; it crashed ${verdict.crashesInWindow} times within ${window}, giving up`;
      report(message);
      options.onGiveUp(new Error(message));
      return;
    }
    report(
      `${name} ${how}; restarting it in ${(verdict.delayMs / 1000).toFixed(1)} s (crash ${verdict.crashesInWindow} of ${policy.maxCrashes} allowed within ${window})`,
    );
    timer = setTimeout(() => {
      restarting = (async () => {
        try {
          const next = await restart();
          if (stopping) return void (await next.stop());
          current = next;
          report(`${name} is running again`);
          watch(next);
        } catch (err) {
          crashed(`failed to restart (${err instanceof Error ? err.message : String(err)})`);
        }
      })();
    }, verdict.delayMs);
  };

  const watch = (child: ManagedChild) =>
    void child.exited.then(() => {
      if (child === current) crashed(howItExited(child));
    });
  watch(first);

  return {
    name,
    current: () => current,
    async stop(graceMs?: number) {
      stopping = true;
      clearTimeout(timer);
      await restarting;
      await current.stop(graceMs);
    },
  };
}

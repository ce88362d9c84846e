import { routeJob } from "@docsift/core";
import type { Rollout } from "@docsift/core";
import type { KeyInfoModel } from "@docsift/model";
import type { Logger } from "pino";

/** A model handed to a job: it stays open until the job (or its shadow scoring) releases it. */
export interface ModelLease {
  model: KeyInfoModel;
  release(): void;
}

export interface JobModels {
  serve: ModelLease;
  shadow?: ModelLease;
}

export interface RolloutSource {
  /** The registry's rollout document; undefined: no rollout (a pinned version, the bundled model). */
  read(): Promise<Rollout | undefined>;
  load(version: string | undefined): Promise<KeyInfoModel>;
}

interface Loaded {
  model: KeyInfoModel;
  users: number;
  retired: boolean;
}

/**
 * The models of this process: `current` and the rollout's candidate, if any, each one ONNX
 * session. `refresh()` re-reads the rollout document and loads what it names before switching,
 * so jobs never wait for a load; a model no longer named is closed when its last job lets go.
 * A candidate that cannot be loaded is logged and left out, and a current that cannot be loaded
 * keeps the one already serving: a rollout step must never stop the worker serving.
 */
export class ModelRollout {
  private rollout: Rollout | undefined;
  private readonly loaded = new Map<string, Loaded>();
  private currentVersion!: string;
  private candidateVersion: string | undefined;
  private refreshing: Promise<void> | undefined;

  private constructor(
    private readonly source: RolloutSource,
    private readonly log: Logger,
  ) {}

  static async start(source: RolloutSource, log: Logger): Promise<ModelRollout> {
    const rollout = new ModelRollout(source, log);
    const doc = await source.read();
    const current = await source.load(doc?.current);
    rollout.loaded.set(current.ref.version, { model: current, users: 0, retired: false });
    rollout.currentVersion = current.ref.version;
    rollout.rollout = doc;
    await rollout.loadCandidate(doc);
    return rollout;
  }

  get current(): KeyInfoModel {
    return this.loaded.get(this.currentVersion)!.model;
  }

  get candidate(): KeyInfoModel | undefined {
    return this.candidateVersion ? this.loaded.get(this.candidateVersion)?.model : undefined;
  }

  get document(): Rollout | undefined {
    return this.rollout;
  }

  route(jobId: string): JobModels {
    const candidate = this.candidate;
    const lease = (version: string): ModelLease => {
      const entry = this.loaded.get(version)!;
      entry.users++;
      let released = false;
      return {
        model: entry.model,
        release: () => {
          if (released) return;
          released = true;
          entry.users--;
          this.closeIfUnused(version, entry);
        },
      };
    };
    if (!this.rollout || !candidate) return { serve: lease(this.currentVersion) };
    const route = routeJob(this.rollout, jobId);
    const candidateVersion = candidate.ref.version;
    return {
      serve: lease(route.serve === candidateVersion ? candidateVersion : this.currentVersion),
      ...(route.shadow === candidateVersion ? { shadow: lease(candidateVersion) } : {}),
    };
  }

  /** Re-reads the rollout document; one refresh at a time. */
  refresh(): Promise<void> {
    return (this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = undefined)));
  }

  private async doRefresh(): Promise<void> {
    let doc: Rollout | undefined;
    try {
      doc = await this.source.read();
    } catch (err) {
      this.log.warn({ err }, "could not read the rollout document; keeping the models in use");
      return;
    }
    if (!doc || sameRouting(doc, this.rollout)) return;
    const before = { current: this.currentVersion, candidate: this.candidateVersion };
    if (doc.current !== this.currentVersion) {
      try {
        await this.ensureLoaded(doc.current);
      } catch (err) {
        this.log.error(
          { err, current: doc.current },
          "the rollout's current version could not be loaded; keeping the one in use",
        );
        return;
      }
    }
    const previousCandidate = this.candidateVersion;
    this.currentVersion = doc.current;
    this.rollout = doc;
    await this.loadCandidate(doc);
    for (const version of new Set([before.current, previousCandidate]))
      if (version && version !== this.currentVersion && version !== this.candidateVersion) {
        const entry = this.loaded.get(version);
        if (entry) {
          entry.retired = true;
          this.closeIfUnused(version, entry);
        }
      }
    this.log.info(
      {
        before,
        after: { current: this.currentVersion, candidate: this.candidateVersion },
        rollout: doc.candidate,
      },
      "rollout changed",
    );
  }

  private async loadCandidate(doc: Rollout | undefined): Promise<void> {
    const wanted = doc?.candidate;
    this.candidateVersion = undefined;
    if (!wanted || wanted.share <= 0 || wanted.version === this.currentVersion) return;
    try {
      await this.ensureLoaded(wanted.version);
      this.candidateVersion = wanted.version;
      this.log.info({ candidate: wanted }, "rollout candidate loaded");
    } catch (err) {
      this.log.error(
        { err, candidate: wanted },
        "the rollout candidate could not be loaded; serving current only",
      );
    }
  }

  private async ensureLoaded(version: string): Promise<void> {
    const entry = this.loaded.get(version);
    if (entry) {
      entry.retired = false;
      return;
    }
    const model = await this.source.load(version);
    this.loaded.set(version, { model, users: 0, retired: false });
  }

  private closeIfUnused(version: string, entry: Loaded): void {
    if (!entry.retired || entry.users > 0 || this.loaded.get(version) !== entry) return;
    this.loaded.delete(version);
    entry.model
      .close()
      .catch((err: unknown) => this.log.warn({ err, version }, "could not close a retired model"));
  }

  /** Closes every model (the worker has stopped; no job holds one). */
  async close(): Promise<void> {
    await this.refreshing;
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.allSettled(all.map((e) => e.model.close()));
  }
}

/** Only what routes jobs: `updatedAt` and `previous` change nothing a worker does. */
const sameRouting = (a: Rollout, b: Rollout | undefined): boolean =>
  b !== undefined && a.current === b.current && JSON.stringify(a.candidate) === JSON.stringify(b.candidate);

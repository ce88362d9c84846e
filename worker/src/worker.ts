import { mkdir } from "node:fs/promises";
import type { ServiceBusClient } from "@azure/service-bus";
import {
  BlobDocumentStore,
  BlobModelStore,
  CosmosJobRepository,
  ServiceBusEventPublisher,
  ServiceBusTaskSource,
  cosmosContainers,
  createBlobServiceClient,
  createCosmosClient,
  createServiceBusClient,
} from "@docsift/adapters";
import { DocsiftError, systemClock } from "@docsift/core";
import type { TaskDelivery } from "@docsift/core";
import type { DocumentStore, EventPublisher, JobRepository, WorkerConfig } from "@docsift/core";
import { popplerLauncherPid, sweepStaleDocuments, type OcrEngine } from "@docsift/extraction";
import type { KeyInfoModel } from "@docsift/model";
import type { Logger } from "pino";
import { CircuitBreaker } from "./circuit-breaker.js";
import { confineHelpers } from "./cpu-affinity.js";
import { runDocumentPipeline } from "./document-pipeline.js";
import { Delivery, handleTask } from "./handle-task.js";
import { startHealthServer } from "./health-server.js";
import type { HealthServer } from "./health-server.js";
import { createLogger } from "./logger.js";
import { WorkerMetrics } from "./metrics.js";
import { loadModel } from "./model-loader.js";
import { ModelRollout } from "./model-rollout.js";
import type { JobModels } from "./model-rollout.js";
import { ShadowScorer } from "./shadow-scoring.js";
import type { PendingShadow } from "./shadow-scoring.js";
import { createOcrEngine } from "./ocr.js";

/** Time to write the outcome after the job's own timeout: the lock is renewed this much longer. */
const LOCK_RENEW_MARGIN_MS = 60_000;
/** After the grace, aborted jobs get this long to record their retry before they are abandoned from outside. */
const ABORT_SETTLE_MS = 15_000;
const PROGRESS_MIN_INTERVAL_MS = 1000;
/**
 * After the lock renewal ends, the lock itself may last this long more (Service Bus' longest
 * lock duration): only then is a started job certainly nobody's, which is what its lease says.
 */
const MAX_LOCK_DURATION_MS = 5 * 60_000;
/** A job id no job has: the breaker's probe reads it, and "not found" means Cosmos answers. */
const PROBE_JOB_ID = "00000000-0000-4000-8000-000000000000";

/**
 * Replaceable parts, for tests that need a failure the real services cannot be made to produce
 * on demand. Anything not given is built from the configuration.
 */
export interface WorkerDeps {
  documents?: DocumentStore;
  jobs?: JobRepository;
  events?: EventPublisher;
  model?: KeyInfoModel;
  /** null: no OCR even when the configuration enables it. */
  ocr?: OcrEngine | null;
}

export interface DrainResult {
  /** Jobs in hand when the drain began that ended by themselves within the grace. */
  finished: number;
  /** Jobs stopped at the end of the grace and handed back to the queue. */
  abandoned: number;
}

export interface WorkerOptions {
  logger?: Logger;
  deps?: WorkerDeps;
  /**
   * Stop taking messages after this many (0: never). One Kubernetes Job per message (KEDA
   * ScaledJob) runs a worker with 1, so the Job ends when its message is settled.
   */
  maxJobs?: number;
  /**
   * Stop taking messages after this long with no job in hand (0: never), from ready or from the
   * last job's end. For a ScaledJob's worker, whose message another Job may already hold.
   */
  idleExitMs?: number;
}

export interface RunningWorker {
  readonly ready: boolean;
  /**
   * Resolves, with the reason, once `maxJobs` messages were handled or the worker sat idle for
   * `idleExitMs`; never, without either.
   */
  readonly done: Promise<string>;
  readonly healthPort: number;
  readonly metrics: WorkerMetrics;
  readonly inFlight: number;
  /** Stops taking messages at once, lets jobs in hand finish within the drain grace, abandons the rest. */
  drain(reason: string): Promise<DrainResult>;
  /** Drains (if not yet) and releases every client, the model and the health server. */
  close(): Promise<void>;
}

export async function startWorker(config: WorkerConfig, options: WorkerOptions = {}): Promise<RunningWorker> {
  const log = options.logger ?? createLogger(config);
  const deps = options.deps ?? {};
  const metrics = new WorkerMetrics();
  const active = new Map<Delivery, Promise<void>>();
  let draining = false;
  const maxJobs = options.maxJobs ?? 0;
  let handledCount = 0;
  let finish: (reason: string) => void = () => undefined;
  const done = new Promise<string>((resolve) => (finish = resolve));
  const idleExitMs = options.idleExitMs ?? 0;
  let idleTimer: NodeJS.Timeout | undefined;
  // Stop receiving before saying done, so no message is granted to a worker about to exit.
  const stopTaking = (reason: string) => {
    draining = true;
    clearTimeout(idleTimer);
    void receiver!.stop().then(
      () => finish(reason),
      () => finish(reason),
    );
  };
  const armIdleExit = () => {
    if (idleExitMs <= 0 || draining) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (active.size > 0 || draining) return;
      log.info({ idleExitMs }, "no message for the idle time; taking no more");
      stopTaking(`idle for ${idleExitMs / 1000} s`);
    }, idleExitMs);
  };
  let model: KeyInfoModel | undefined;
  let models: ModelRollout | undefined;
  let rolloutTimer: NodeJS.Timeout | undefined;
  const shadows = new ShadowScorer(
    metrics,
    log.child({ component: "shadow" }),
    config.limits.extractionTimeoutMs,
  );
  let receiver: ServiceBusTaskSource | undefined;
  let breaker: CircuitBreaker | undefined;

  const notReadyReason = (): string | undefined => {
    if (draining) return "draining";
    if (!model) return "model not loaded";
    if (!receiver?.connected) return "Service Bus receiver not connected";
    if (breaker && breaker.state !== "closed") return "a dependency is unavailable (circuit open)";
    return undefined;
  };
  const health: HealthServer = await startHealthServer(
    config.healthPort,
    { notReadyReason },
    metrics.registry,
  );
  log.info({ port: health.port }, "health server listening");

  const blobService = createBlobServiceClient(config.storage);
  const cosmos = deps.jobs ? undefined : createCosmosClient(config.cosmos);
  const serviceBus: ServiceBusClient = createServiceBusClient(config.serviceBus);
  const documents = deps.documents ?? new BlobDocumentStore(blobService);
  const jobs = deps.jobs ?? new CosmosJobRepository(cosmosContainers(cosmos!, config.cosmos.database).jobs);
  const publisher = deps.events ? undefined : new ServiceBusEventPublisher(serviceBus, config.queues.events);
  const events = deps.events ?? publisher!;
  let ocr: OcrEngine | undefined;

  const releaseClients = async () => {
    breaker?.dispose();
    clearInterval(rolloutTimer);
    await Promise.allSettled([
      receiver?.close(),
      publisher?.close(),
      // A shadow scoring still running uses the candidate: let it end first.
      deps.model ? undefined : shadows.idle().then(() => models?.close()),
      ocr && deps.ocr === undefined ? ocr.close() : undefined,
    ]);
    await serviceBus.close().catch(() => undefined);
    cosmos?.dispose();
  };

  try {
    // The temp folder may be a fresh volume (or a path the local stack chose): make sure it exists.
    if (config.tempDir) await mkdir(config.tempDir, { recursive: true });
    // What a killed predecessor left there: anything older than a job may run is nobody's now.
    const swept = await sweepStaleDocuments(config.tempDir, config.jobTimeoutMs + LOCK_RENEW_MARGIN_MS);
    if (swept > 0) log.info({ swept }, "removed documents a stopped worker left in the temp folder");
    const injected = deps.model;
    // The rollout document is read only where "current" is looked up: a pinned version or the
    // bundled model is no rollout.
    const rolloutStore =
      config.model.source === "blob" && config.model.version === "current"
        ? new BlobModelStore(blobService, config.containers.models)
        : undefined;
    models = await ModelRollout.start(
      injected
        ? { read: () => Promise.resolve(undefined), load: () => Promise.resolve(injected) }
        : {
            read: async () => rolloutStore?.rollout(config.model.name),
            load: (version) =>
              loadModel(
                config.model,
                blobService,
                config.containers.models,
                log,
                { pdfEngine: config.pdfEngine },
                version,
              ),
          },
      log.child({ component: "rollout" }),
    );
    model = models.current;
    const rolloutModels = models;
    if (rolloutStore && config.model.rolloutRefreshMs > 0) {
      rolloutTimer = setInterval(() => void rolloutModels.refresh(), config.model.rolloutRefreshMs);
      rolloutTimer.unref();
    }
    ocr =
      deps.ocr === null
        ? undefined
        : (deps.ocr ?? (config.ocr.enabled ? await createOcrEngine(config, log) : undefined));
    const loadedModel = model;
    // After the warm-up, which started the poppler launcher.
    await confineHelpers(
      config.helperCpuAffinity,
      {
        threads: [...loadedModel.scoringThreadIds(), ...(rolloutModels.candidate?.scoringThreadIds() ?? [])],
        processes: [await popplerLauncherPid()].filter((pid) => pid !== undefined),
      },
      log,
    );
    const pipelineConfig = {
      limits: config.limits,
      pdfEngine: config.pdfEngine,
      ocr: config.ocr,
      tempDir: config.tempDir,
    };

    const circuit = (breaker = new CircuitBreaker({
      failures: config.breaker.failures,
      cooldownMs: config.breaker.cooldownMs,
      // What a task needs first: its job (Cosmos) and its document (Blob storage).
      probe: async () => {
        await jobs.get("probe", PROBE_JOB_ID);
        await documents.properties(config.containers.uploads, `probe/${PROBE_JOB_ID}`);
      },
      onOpen: async () => {
        log.warn(
          { failures: config.breaker.failures, cooldownMs: config.breaker.cooldownMs },
          "dependency failures in a row; taking no messages until it answers again",
        );
        await receiver?.pause();
      },
      onClose: () => {
        log.info("dependencies answer again; taking messages");
        if (!draining) receiver?.resume();
      },
      onProbeFailed: (err) => log.warn({ err }, "dependency still unavailable"),
    }));

    const onDelivery = async (incoming: TaskDelivery): Promise<void> => {
      clearTimeout(idleTimer);
      const delivery = new Delivery(incoming);
      let shadow: PendingShadow | undefined;
      let leased: JobModels | undefined;
      const handled = (async () => {
        metrics.inFlight.inc();
        try {
          const outcome = await handleTask(delivery, {
            jobs,
            events,
            metrics,
            log,
            clock: systemClock,
            modelRef: rolloutModels.current.ref,
            isDraining: () => draining,
            health: circuit,
            settings: {
              jobTimeoutMs: config.jobTimeoutMs,
              lockRenewMaxMs: config.jobTimeoutMs + LOCK_RENEW_MARGIN_MS,
              leaseMs: config.jobTimeoutMs + LOCK_RENEW_MARGIN_MS + MAX_LOCK_DURATION_MS,
              retry: config.taskRetry,
              progressEveryPages: config.progressEveryPages,
              progressMinIntervalMs: PROGRESS_MIN_INTERVAL_MS,
              uploadsContainer: config.containers.uploads,
            },
            runPipeline: (task, run) => {
              const route = (leased = rolloutModels.route(task.jobId));
              const shadowLease = route.shadow;
              return runDocumentPipeline(
                task,
                {
                  documents,
                  model: route.serve.model,
                  ocr,
                  metrics,
                  config: pipelineConfig,
                  ...(shadowLease
                    ? {
                        shadow: (result, document) => {
                          shadow?.discard();
                          shadow = shadows.offer({
                            jobId: task.jobId,
                            served: route.serve.model,
                            shadow: shadowLease.model,
                            release: shadowLease.release,
                            result,
                            document,
                            busy: active.size > 1,
                          });
                          return shadow !== undefined;
                        },
                      }
                    : {}),
                },
                run,
              );
            },
          });
          metrics.outcome(outcome);
          // Only now, with the user's result recorded and the message settled.
          if (outcome === "completed") shadow?.start();
        } catch (err) {
          // handleTask settles every failure itself; reaching here is a bug, not a bad job.
          log.error({ err, messageId: incoming.messageId }, "task handler failed unexpectedly");
        } finally {
          shadow?.discard();
          leased?.serve.release();
          // Without a shadow scoring that took it over, nothing else will let go of the candidate.
          if (!shadow) leased?.shadow?.release();
          metrics.inFlight.dec();
          if (maxJobs > 0 && ++handledCount >= maxJobs && !draining) {
            // Stop before the SDK grants credit for another message on return.
            log.info({ maxJobs }, "handled the maximum number of jobs; taking no more");
            stopTaking("WORKER_MAX_JOBS reached");
          }
        }
      })();
      active.set(delivery, handled);
      try {
        await handled;
      } finally {
        active.delete(delivery);
        if (active.size === 0) armIdleExit();
      }
    };

    receiver = new ServiceBusTaskSource(
      serviceBus,
      { queue: config.queues.tasks, concurrency: config.concurrency },
      onDelivery,
      log.child({ component: "receiver" }),
    );
    await receiver.start();
    armIdleExit();
  } catch (err) {
    await releaseClients();
    await health.close();
    throw err;
  }

  log.info(
    {
      healthPort: health.port,
      queue: config.queues.tasks,
      concurrency: config.concurrency,
      model: model.ref,
      ...(models.candidate && models.document?.candidate
        ? { candidate: models.candidate.ref, rollout: models.document.candidate }
        : {}),
      ocr: Boolean(ocr),
      pdfEngine: config.pdfEngine,
    },
    "worker ready",
  );

  let drained: Promise<DrainResult> | undefined;
  const drain = (reason: string): Promise<DrainResult> =>
    (drained ??= (async () => {
      draining = true;
      clearTimeout(idleTimer);
      log.info({ reason, inFlight: active.size, graceMs: config.drainGraceMs }, "draining: no new messages");
      await receiver!.stop();
      // After the stop nothing more arrives; a message granted just before is in this set too
      // (its handler hands it straight back).
      const inHand = [...active.entries()];
      const all = Promise.allSettled(inHand.map(([, done]) => done));
      if (await within(all, config.drainGraceMs)) {
        log.info({ finished: inHand.length }, "drain complete: every job finished");
        return { finished: inHand.length, abandoned: 0 };
      }
      const stillRunning = inHand.filter(([delivery]) => active.has(delivery));
      log.warn({ stillRunning: stillRunning.length }, "drain grace over: stopping the jobs still running");
      for (const [delivery] of stillRunning) delivery.abort(new DocsiftError("WORKER_SHUTDOWN"));
      // Aborted jobs record their retry and abandon their message themselves; one stuck past
      // that is abandoned here so it is not held until its lock expires.
      if (!(await within(all, ABORT_SETTLE_MS)))
        for (const [delivery] of stillRunning)
          if (active.has(delivery) && delivery.settlement && !delivery.settlement.settled)
            await delivery.settlement.abandon();
      return { finished: inHand.length - stillRunning.length, abandoned: stillRunning.length };
    })());

  let closed: Promise<void> | undefined;
  return {
    get ready() {
      return notReadyReason() === undefined;
    },
    healthPort: health.port,
    done,
    metrics,
    get inFlight() {
      return active.size;
    },
    drain,
    close: () =>
      (closed ??= (async () => {
        await drain("close");
        await releaseClients();
        await health.close();
        log.info("worker stopped");
      })()),
  };
}

/** True if `work` settles within `ms`; the timer is cleared either way. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

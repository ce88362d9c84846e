import { z } from "zod";
import {
  BLOB_CONTAINERS,
  COSMOS,
  DEFAULT_MAX_JOBS_PER_MINUTE,
  DEFAULT_MAX_OPEN_UPLOADS,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_OCR_MAX_PAGES,
  DEFAULT_MODEL_NAME,
  QUEUES,
  WEB_PUBSUB_HUB,
} from "../names.js";
import {
  COSMOS_VARS,
  SERVICEBUS_VARS,
  STORAGE_VARS,
  WEBPUBSUB_VARS,
  resolveConnection,
} from "./connections.js";
import type { BackoffPolicy } from "../backoff.js";
import type { ServiceConnection } from "./connections.js";
import type { IntakeLimits } from "../intake-quota.js";
import { UserIdSchema } from "../contracts/job.js";
import { LOG_LEVELS, envBool, envInt, envString } from "./parse.js";

type Env = Record<string, string | undefined>;

/** Set by App Service / Functions and by Kubernetes: their presence means "not a developer's machine". */
const runsInAzure = (env: Env): boolean =>
  Boolean(env.WEBSITE_INSTANCE_ID || env.WEBSITE_SITE_NAME || env.KUBERNETES_SERVICE_HOST);

const commonShape = {
  DOCSIFT_ENVIRONMENT: z.enum(["local", "azure"], { error: 'must be "local" or "azure"' }),
  LOG_LEVEL: z.enum(LOG_LEVELS).optional().default("info"),
  COSMOS_DATABASE: envString(COSMOS.database),
  COSMOS_CA_CERT_FILE: z.string().optional(),
  TASKS_QUEUE: envString(QUEUES.tasks),
  EVENTS_QUEUE: envString(QUEUES.events),
  UPLOADS_CONTAINER: envString(BLOB_CONTAINERS.uploads),
  MODELS_CONTAINER: envString(BLOB_CONTAINERS.models),
};

export interface CommonConfig {
  environment: "local" | "azure";
  logLevel: (typeof LOG_LEVELS)[number];
  storage: ServiceConnection;
  cosmos: ServiceConnection & { database: string; caCertFile?: string };
  serviceBus: ServiceConnection;
  queues: { tasks: string; events: string };
  containers: { uploads: string; models: string };
}

// Cross-field rules run even when single fields failed (`when`), so one error lists everything.
const always = { when: () => true };

function checkCommon(env: Env, ctx: z.RefinementCtx): void {
  const local = env.DOCSIFT_ENVIRONMENT === "local";
  if (local && runsInAzure(env))
    ctx.addIssue({
      code: "custom",
      path: ["DOCSIFT_ENVIRONMENT"],
      message:
        'is "local" but this process runs in Azure (WEBSITE_INSTANCE_ID or KUBERNETES_SERVICE_HOST is set); local mode is refused here',
    });
  for (const vars of [STORAGE_VARS, COSMOS_VARS, SERVICEBUS_VARS]) resolveConnection(env, vars, ctx, local);
}

function common(
  env: Env,
  raw: z.output<z.ZodObject<typeof commonShape>>,
  ctx: z.RefinementCtx,
): CommonConfig | undefined {
  const local = raw.DOCSIFT_ENVIRONMENT === "local";
  const storage = resolveConnection(env, STORAGE_VARS, ctx, local);
  const cosmos = resolveConnection(env, COSMOS_VARS, ctx, local);
  const serviceBus = resolveConnection(env, SERVICEBUS_VARS, ctx, local);
  if (!storage || !cosmos || !serviceBus) return undefined;
  return {
    environment: raw.DOCSIFT_ENVIRONMENT,
    logLevel: raw.LOG_LEVEL,
    storage,
    cosmos: {
      ...cosmos,
      database: raw.COSMOS_DATABASE,
      ...(raw.COSMOS_CA_CERT_FILE ? { caCertFile: raw.COSMOS_CA_CERT_FILE } : {}),
    },
    serviceBus,
    queues: { tasks: raw.TASKS_QUEUE, events: raw.EVENTS_QUEUE },
    containers: { uploads: raw.UPLOADS_CONTAINER, models: raw.MODELS_CONTAINER },
  };
}

const functionsShape = {
  ...commonShape,
  AUTH_MODE: z.enum(["easyauth", "dev"], { error: 'must be "easyauth" or "dev"' }),
  // The developer's id is used as a user id as it stands: the same rule as a signed-in user's.
  DEV_USER_ID: envString("dev-user").pipe(UserIdSchema),
  ADMIN_ROLE: envString("docsift.admin"),
  MAX_UPLOAD_BYTES: envInt(DEFAULT_MAX_UPLOAD_BYTES, 1, 5 * 1024 * 1024 * 1024),
  SAS_TTL_MINUTES: envInt(10, 1, 15),
  UPLOAD_WINDOW_MINUTES: envInt(30, 1, 24 * 60),
  MAX_JOBS_PER_MINUTE: envInt(DEFAULT_MAX_JOBS_PER_MINUTE, 1, 100_000),
  MAX_OPEN_UPLOADS: envInt(DEFAULT_MAX_OPEN_UPLOADS, 1, 100_000),
  MAX_JSON_BODY_BYTES: envInt(64 * 1024, 1024, 1024 * 1024),
  WEBPUBSUB_HUB: envString(WEB_PUBSUB_HUB),
  WEBPUBSUB_ALLOW_HTTP: envBool(false),
  NEGOTIATE_TTL_MINUTES: envInt(60, 1, 24 * 60),
  MODEL_NAME: envString(DEFAULT_MODEL_NAME),
  MODEL_VERSION: z.string().optional(),
  AUTO_RETRY_DELAY_SECONDS: envInt(60, 0, 24 * 3600),
  REDISPATCH_AFTER_SECONDS: envInt(900, 10, 7 * 24 * 3600),
  OUTBOX_GRACE_SECONDS: envInt(60, 1, 24 * 3600),
  DEAD_LETTER_RETRY_BASE_SECONDS: envInt(2, 1, 3600),
  DEAD_LETTER_RETRY_MAX_SECONDS: envInt(60, 1, 240),
  VAPID_PUBLIC_KEY: z.string().optional(),
  VAPID_PRIVATE_KEY: z.string().optional(),
  VAPID_SUBJECT: z.string().optional(),
  WEB_PUSH_ALLOWED_HOSTS: envString(
    "fcm.googleapis.com,updates.push.services.mozilla.com,push.services.mozilla.com,notify.windows.com,push.apple.com",
  ),
};

export interface FunctionsConfig extends CommonConfig {
  auth: { mode: "easyauth" | "dev"; devUserId: string; adminRole: string };
  uploads: { maxBytes: number; sasTtlMs: number; windowMs: number };
  /** Per-user limits on creating jobs. */
  intake: IntakeLimits;
  maxJsonBodyBytes: number;
  webPubSub: ServiceConnection & { hub: string; allowInsecureConnection: boolean; tokenTtlMinutes: number };
  model: { name: string; version?: string };
  autoRetryDelayMs: number;
  recovery: {
    /** A QUEUED job whose task was sent and that did not move for this long has its task re-sent. */
    redispatchAfterMs: number;
    /** An event still in a job's outbox this long after the write is published by the timer. */
    outboxGraceMs: number;
    /** Dead-letter triage waits this backoff (per delivery) before giving a failed message back. */
    deadLetterBackoff: BackoffPolicy;
  };
  webPush?: { publicKey: string; privateKey: string; subject: string; allowedHosts: string[] };
}

export const FunctionsConfigSchema = z
  .looseObject(functionsShape)
  .superRefine((input, ctx) => {
    const env = input as Env;
    checkCommon(env, ctx);
    const local = env.DOCSIFT_ENVIRONMENT === "local";
    if (env.AUTH_MODE === "dev" && !local)
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_MODE"],
        message: '"dev" is only allowed with DOCSIFT_ENVIRONMENT=local',
      });
    if (String(input.WEBPUBSUB_ALLOW_HTTP) === "true" && !local)
      ctx.addIssue({
        code: "custom",
        path: ["WEBPUBSUB_ALLOW_HTTP"],
        message: "plain HTTP to Web PubSub is only allowed with DOCSIFT_ENVIRONMENT=local",
      });
    const vapid = [env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY, env.VAPID_SUBJECT];
    if (vapid.some(Boolean) && !vapid.every(Boolean))
      ctx.addIssue({
        code: "custom",
        path: ["VAPID_PUBLIC_KEY"],
        message: "set all of VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT, or none",
      });
    resolveConnection(env, WEBPUBSUB_VARS, ctx, local);
  }, always)
  .transform((raw, ctx): FunctionsConfig => {
    const env = raw as Env;
    const base = common(env, raw, ctx);
    const webPubSub = resolveConnection(env, WEBPUBSUB_VARS, ctx, raw.DOCSIFT_ENVIRONMENT === "local");
    if (!base || !webPubSub) return z.NEVER;
    return {
      ...base,
      auth: { mode: raw.AUTH_MODE, devUserId: raw.DEV_USER_ID, adminRole: raw.ADMIN_ROLE },
      uploads: {
        maxBytes: raw.MAX_UPLOAD_BYTES,
        sasTtlMs: raw.SAS_TTL_MINUTES * 60_000,
        windowMs: raw.UPLOAD_WINDOW_MINUTES * 60_000,
      },
      intake: { jobsPerMinute: raw.MAX_JOBS_PER_MINUTE, openUploads: raw.MAX_OPEN_UPLOADS },
      maxJsonBodyBytes: raw.MAX_JSON_BODY_BYTES,
      webPubSub: {
        ...webPubSub,
        hub: raw.WEBPUBSUB_HUB,
        allowInsecureConnection: raw.WEBPUBSUB_ALLOW_HTTP,
        tokenTtlMinutes: raw.NEGOTIATE_TTL_MINUTES,
      },
      model: { name: raw.MODEL_NAME, ...(raw.MODEL_VERSION ? { version: raw.MODEL_VERSION } : {}) },
      autoRetryDelayMs: raw.AUTO_RETRY_DELAY_SECONDS * 1000,
      recovery: {
        redispatchAfterMs: raw.REDISPATCH_AFTER_SECONDS * 1000,
        outboxGraceMs: raw.OUTBOX_GRACE_SECONDS * 1000,
        deadLetterBackoff: {
          baseMs: raw.DEAD_LETTER_RETRY_BASE_SECONDS * 1000,
          capMs: raw.DEAD_LETTER_RETRY_MAX_SECONDS * 1000,
        },
      },
      ...(raw.VAPID_PUBLIC_KEY && raw.VAPID_PRIVATE_KEY && raw.VAPID_SUBJECT
        ? {
            webPush: {
              publicKey: raw.VAPID_PUBLIC_KEY,
              privateKey: raw.VAPID_PRIVATE_KEY,
              subject: raw.VAPID_SUBJECT,
              allowedHosts: raw.WEB_PUSH_ALLOWED_HOSTS.split(",")
                .map((h) => h.trim().toLowerCase())
                .filter(Boolean),
            },
          }
        : {}),
    };
  });

const workerShape = {
  ...commonShape,
  WORKER_CONCURRENCY: envInt(1, 1, 32),
  JOB_TIMEOUT_SECONDS: envInt(600, 5, 6 * 3600),
  DRAIN_GRACE_SECONDS: z.string().optional(),
  MAX_DOCUMENT_BYTES: envInt(DEFAULT_MAX_UPLOAD_BYTES, 1, 5 * 1024 * 1024 * 1024),
  MAX_PAGES: envInt(2000, 1, 100_000),
  MAX_CHARACTERS: envInt(5_000_000, 1000, 100_000_000),
  EXTRACTION_TIMEOUT_SECONDS: envInt(240, 1, 6 * 3600),
  PDF_ENGINE: z.enum(["pdfjs", "poppler", "auto"]).optional().default("auto"),
  OCR_ENABLED: envBool(true),
  OCR_MAX_PAGES: envInt(DEFAULT_OCR_MAX_PAGES, 0, 1000),
  MODEL_NAME: envString(DEFAULT_MODEL_NAME),
  MODEL_VERSION: envString("current"),
  MODEL_SOURCE: z.enum(["blob", "bundled"]).optional().default("blob"),
  MODEL_CACHE_DIR: z.string().optional(),
  MODEL_ROLLOUT_REFRESH_SECONDS: envInt(60, 0, 86_400),
  ORT_INTRA_OP_THREADS: envInt(1, 1, 64),
  HELPER_CPU_AFFINITY: z.enum(["auto", "off"]).optional().default("auto"),
  HEALTH_PORT: envInt(8080, 0, 65535),
  TEMP_DIR: z.string().optional(),
  PROGRESS_EVERY_PAGES: envInt(25, 1, 100_000),
  WORKER_MAX_JOBS: envInt(0, 0, 1_000_000),
  TASK_RETRY_BASE_SECONDS: envInt(5, 1, 3600),
  TASK_RETRY_MAX_SECONDS: envInt(300, 1, 24 * 3600),
  TASK_MAX_RETRIES: envInt(8, 0, 1000),
  BREAKER_FAILURES: envInt(3, 1, 1000),
  BREAKER_COOLDOWN_SECONDS: envInt(15, 1, 3600),
  WORKER_IDLE_EXIT_SECONDS: envInt(0, 0, 86_400),
};

export interface WorkerConfig extends CommonConfig {
  concurrency: number;
  jobTimeoutMs: number;
  /** How long SIGTERM waits for in-flight jobs before abandoning them. */
  drainGraceMs: number;
  limits: { maxDocumentBytes: number; maxPages: number; maxCharacters: number; extractionTimeoutMs: number };
  pdfEngine: "pdfjs" | "poppler" | "auto";
  ocr: { enabled: boolean; maxPages: number };
  model: {
    name: string;
    version: string;
    source: "blob" | "bundled";
    cacheDir?: string;
    intraOpThreads: number;
    /** How often the registry's rollout document is re-read (0: at start only). */
    rolloutRefreshMs: number;
  };
  /**
   * "auto": the scoring thread and the poppler tools keep off the first CPU when the process has
   * two or more CPUs of its own (see worker/src/cpu-affinity.ts); "off": they run anywhere.
   */
  helperCpuAffinity: "auto" | "off";
  healthPort: number;
  tempDir?: string;
  progressEveryPages: number;
  /** Exit after this many messages (0 = never): one message per Job in KEDA's ScaledJob mode. */
  maxJobs: number;
  /** Transient failures: rescheduled copies with this backoff, dead-lettered after `maxRetries`. */
  taskRetry: BackoffPolicy & { maxRetries: number };
  /** After `failures` dependency failures in a row, take no message for `cooldownMs`, then probe. */
  breaker: { failures: number; cooldownMs: number };
  /**
   * Exit after this long with no job in hand (0 = never). KEDA's ScaledJob may start a Job for a
   * message another Job already holds (it counts locked messages); without this it waits forever.
   */
  idleExitSeconds: number;
}

export const WorkerConfigSchema = z
  .looseObject(workerShape)
  .superRefine((input, ctx) => {
    const env = input as Env;
    checkCommon(env, ctx);
    const grace = env.DRAIN_GRACE_SECONDS;
    if (grace !== undefined && grace !== "" && !(Number.isInteger(Number(grace)) && Number(grace) >= 0))
      ctx.addIssue({
        code: "custom",
        path: ["DRAIN_GRACE_SECONDS"],
        message: "must be a non-negative integer",
      });
    if (Number(env.EXTRACTION_TIMEOUT_SECONDS ?? 240) > Number(env.JOB_TIMEOUT_SECONDS ?? 600))
      ctx.addIssue({
        code: "custom",
        path: ["EXTRACTION_TIMEOUT_SECONDS"],
        message: "must not exceed JOB_TIMEOUT_SECONDS",
      });
  }, always)
  .transform((raw, ctx): WorkerConfig => {
    const base = common(raw as Env, raw, ctx);
    const drainGraceSeconds =
      raw.DRAIN_GRACE_SECONDS !== undefined && raw.DRAIN_GRACE_SECONDS !== ""
        ? Number(raw.DRAIN_GRACE_SECONDS)
        : raw.JOB_TIMEOUT_SECONDS + 30;
    if (!base) return z.NEVER;
    return {
      ...base,
      concurrency: raw.WORKER_CONCURRENCY,
      jobTimeoutMs: raw.JOB_TIMEOUT_SECONDS * 1000,
      drainGraceMs: drainGraceSeconds * 1000,
      limits: {
        maxDocumentBytes: raw.MAX_DOCUMENT_BYTES,
        maxPages: raw.MAX_PAGES,
        maxCharacters: raw.MAX_CHARACTERS,
        extractionTimeoutMs: raw.EXTRACTION_TIMEOUT_SECONDS * 1000,
      },
      pdfEngine: raw.PDF_ENGINE,
      ocr: { enabled: raw.OCR_ENABLED, maxPages: raw.OCR_MAX_PAGES },
      model: {
        name: raw.MODEL_NAME,
        version: raw.MODEL_VERSION,
        source: raw.MODEL_SOURCE,
        ...(raw.MODEL_CACHE_DIR ? { cacheDir: raw.MODEL_CACHE_DIR } : {}),
        intraOpThreads: raw.ORT_INTRA_OP_THREADS,
        rolloutRefreshMs: raw.MODEL_ROLLOUT_REFRESH_SECONDS * 1000,
      },
      helperCpuAffinity: raw.HELPER_CPU_AFFINITY,
      healthPort: raw.HEALTH_PORT,
      ...(raw.TEMP_DIR ? { tempDir: raw.TEMP_DIR } : {}),
      progressEveryPages: raw.PROGRESS_EVERY_PAGES,
      maxJobs: raw.WORKER_MAX_JOBS,
      taskRetry: {
        baseMs: raw.TASK_RETRY_BASE_SECONDS * 1000,
        capMs: raw.TASK_RETRY_MAX_SECONDS * 1000,
        maxRetries: raw.TASK_MAX_RETRIES,
      },
      breaker: { failures: raw.BREAKER_FAILURES, cooldownMs: raw.BREAKER_COOLDOWN_SECONDS * 1000 },
      idleExitSeconds: raw.WORKER_IDLE_EXIT_SECONDS,
    };
  });

export interface LocalStackConfig {
  host: string;
  ports: { blob: number; cosmos: number; serviceBus: number; webPubSub: number; http: number };
  workers: number;
  stateDir: string;
  /** Keep the emulators' data in stateDir across restarts of the stack. */
  persist: boolean;
  /** Crashes of one child within five minutes after which the stack gives up (exits non-zero). */
  maxCrashes: number;
  ocrEnabled: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
}

export const LocalStackConfigSchema = z
  .object({
    LOCAL_HOST: envString("127.0.0.1"),
    LOCAL_BLOB_PORT: envInt(10000, 0, 65535),
    LOCAL_COSMOS_PORT: envInt(8081, 0, 65535),
    LOCAL_SERVICEBUS_PORT: envInt(5672, 0, 65535),
    LOCAL_WEBPUBSUB_PORT: envInt(7080, 0, 65535),
    LOCAL_HTTP_PORT: envInt(7071, 0, 65535),
    LOCAL_WORKERS: envInt(1, 0, 8),
    LOCAL_STATE_DIR: envString(".local-stack"),
    LOCAL_OCR_ENABLED: envBool(false),
    LOCAL_PERSIST: envBool(false),
    LOCAL_MAX_CRASHES: envInt(5, 1, 1000),
    LOG_LEVEL: z.enum(LOG_LEVELS).optional().default("info"),
  })
  .transform((raw): LocalStackConfig => ({
    host: raw.LOCAL_HOST,
    ports: {
      blob: raw.LOCAL_BLOB_PORT,
      cosmos: raw.LOCAL_COSMOS_PORT,
      serviceBus: raw.LOCAL_SERVICEBUS_PORT,
      webPubSub: raw.LOCAL_WEBPUBSUB_PORT,
      http: raw.LOCAL_HTTP_PORT,
    },
    workers: raw.LOCAL_WORKERS,
    stateDir: raw.LOCAL_STATE_DIR,
    persist: raw.LOCAL_PERSIST,
    maxCrashes: raw.LOCAL_MAX_CRASHES,
    ocrEnabled: raw.LOCAL_OCR_ENABLED,
    logLevel: raw.LOG_LEVEL,
  }));

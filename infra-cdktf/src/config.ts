import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  DEFAULT_MAX_JOBS_PER_MINUTE,
  DEFAULT_MAX_OPEN_UPLOADS,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_MODEL_NAME,
} from "@docsift/core";

/** Directory holding one `<environment>.json` per deployable environment. */
export const ENVIRONMENTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../environments");

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const uuid = z
  .uuid()
  .refine(
    (v) => v !== NIL_UUID,
    "still the placeholder: set it from the bootstrap (README, First-time bootstrap)",
  );
const isoDuration = z
  .string()
  .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/, "an ISO 8601 duration");

/** Seconds in an ISO 8601 duration of the day/time form Service Bus uses (PnDTnHnMnS). */
export function isoDurationSeconds(value: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  if (!match) throw new Error(`not an ISO 8601 day/time duration: ${value}`);
  const [, d = "0", h = "0", m = "0", s = "0"] = match;
  return Number(d) * 86_400 + Number(h) * 3_600 + Number(m) * 60 + Number(s);
}

/** An IPv4 address or CIDR range, the form Azure firewalls and AKS authorized ranges accept. */
const ipv4Range = z
  .string()
  .regex(
    /^(\d{1,3}\.){3}\d{1,3}(\/([0-9]|[12]\d|3[0-2]))?$/,
    "an IPv4 address or CIDR range such as 203.0.113.0/24",
  );
/** RFC 5737 documentation ranges: the committed environments use them as placeholders. */
const isDocumentationRange = (v: string): boolean => /^(192\.0\.2|198\.51\.100|203\.0\.113)\./.test(v);
const firewallRange = ipv4Range.refine(
  (v) => !isDocumentationRange(v),
  "still the placeholder: set the operators' or the pipeline runner's egress range",
);
const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/([0-9]|[12]\d|3[0-2])$/, "an IPv4 CIDR range such as 10.40.0.0/16");

const quantity = z
  .string()
  .regex(/^\d+(\.\d+)?(m|Mi|Gi)?$/, "a Kubernetes quantity such as 500m, 1, 512Mi or 2Gi");

export const environmentConfigSchema = z
  .object({
    /** Short environment name, part of every resource name. */
    environment: z.string().regex(/^[a-z][a-z0-9]{1,7}$/, "2-8 lowercase letters/digits"),
    /** Product prefix, part of every resource name. */
    prefix: z.string().regex(/^[a-z][a-z0-9]{2,9}$/, "3-10 lowercase letters/digits"),
    location: z.string().regex(/^[a-z]+[a-z0-9]*$/, "an Azure region name such as westeurope"),
    tags: z.record(z.string(), z.string()).default({}),
    /** Remote state, created once by the bootstrap (README); never managed by these stacks. */
    stateBackend: z.object({
      resourceGroupName: z.string().min(1),
      storageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/),
      containerName: z.string().min(3),
    }),
    /** Entra ID app registration that Easy Auth validates tokens for (created by the bootstrap). */
    auth: z.object({
      tenantId: uuid,
      apiClientId: uuid,
      /** Extra accepted audiences; `api://<apiClientId>` is always accepted. */
      allowedAudiences: z.array(z.string().min(1)).default([]),
      adminRole: z.string().min(1).default("docsift.admin"),
    }),
    /** GitHub repository whose deploy workflow the deploy identities trust (bootstrap stack). */
    deploy: z.object({
      githubRepository: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "owner/name of the GitHub repository")
        .refine((v) => v !== "OWNER/REPO", "still the placeholder: set the repository that runs deploy.yml"),
    }),
    /**
     * Who reaches the data services. The browser-facing services (Static Web App, Blob uploads via
     * SAS, Web PubSub client endpoint) are always public; `restrictDataServices` closes Cosmos DB
     * and Key Vault to everything but the app's subnets (service endpoints) and `allowedIpRanges`.
     */
    network: z.object({
      /** Address space of the VNet holding the Functions integration subnet and the AKS nodes. */
      vnetAddressSpace: cidr.default("10.40.0.0/16"),
      restrictDataServices: z.boolean(),
      /** Service Bus network rules need the Premium tier (VNet rules are Premium-only). */
      restrictServiceBus: z.boolean().default(false),
      /** Operator or CI egress ranges admitted through the data-service firewalls. */
      allowedIpRanges: z.array(firewallRange).default([]),
      /** AKS API server authorized ranges; empty = reachable from anywhere (Entra ID still required). */
      aksAuthorizedIpRanges: z.array(firewallRange).default([]),
    }),
    pwa: z.object({
      /** Custom https origin of the PWA; empty = the Static Web App's generated hostname. */
      customOrigin: z.url({ protocol: /^https$/ }).optional(),
    }),
    storage: z.object({
      replication: z.enum(["LRS", "ZRS", "GRS", "GZRS"]),
      /** Uploaded documents are deleted this many days after their last change. */
      uploadRetentionDays: z.number().int().min(1).max(365),
      maxUploadBytes: z.number().int().positive().default(DEFAULT_MAX_UPLOAD_BYTES),
      sasTtlMinutes: z.number().int().min(1).max(60),
    }),
    serviceBus: z.object({
      sku: z.enum(["Standard", "Premium"]),
      /** Peek-lock duration of inference-tasks; Service Bus caps it at 5 minutes. */
      lockDuration: isoDuration.refine((d) => isoDurationSeconds(d) <= 300, "lockDuration is at most PT5M"),
      maxDeliveryCount: z.number().int().min(1).max(100),
      taskTimeToLive: isoDuration,
      eventTimeToLive: isoDuration,
    }),
    cosmos: z.object({
      consistency: z.enum(["Session", "Strong", "BoundedStaleness", "ConsistentPrefix", "Eventual"]),
      /** Results and tombstones in `jobs` are deleted this many days after their last change. */
      jobRetentionDays: z.number().int().min(1).max(3650).default(30),
    }),
    webPubSub: z.object({
      sku: z.enum(["Free_F1", "Standard_S1", "Premium_P1"]),
      capacity: z.number().int().min(1).max(100),
    }),
    functions: z.object({
      nodeVersion: z.enum(["20", "22"]),
      maximumInstanceCount: z.number().int().min(1).max(1000),
      instanceMemoryMb: z.union([z.literal(512), z.literal(2048), z.literal(4096)]),
      vapidSubject: z.string().regex(/^(mailto:|https:\/\/)/, "mailto: or https: URI"),
      /** Per-user intake limits (429 beyond them). */
      maxJobsPerMinute: z.number().int().min(1).max(100_000).default(DEFAULT_MAX_JOBS_PER_MINUTE),
      maxOpenUploads: z.number().int().min(1).max(100_000).default(DEFAULT_MAX_OPEN_UPLOADS),
    }),
    registry: z.object({ sku: z.enum(["Basic", "Standard", "Premium"]) }),
    aks: z.object({
      kubernetesVersion: z.string().regex(/^1\.\d+(\.\d+)?$/),
      skuTier: z.enum(["Free", "Standard"]),
      vmSize: z.string().min(1),
      minNodes: z.number().int().min(1),
      maxNodes: z.number().int().min(1),
      /** Availability zones of both node pools; empty = no zone pinning (regions without zones, dev). */
      zones: z.array(z.enum(["1", "2", "3"])).default([]),
      /** The worker pool, apart from the system pool; the autoscaler takes it down to 0 nodes. */
      workerPool: z.object({
        vmSize: z.string().min(1),
        maxNodes: z.number().int().min(1).max(1000),
      }),
    }),
    alerts: z.object({
      emails: z.array(z.object({ name: z.string().min(1), address: z.email() })).min(1),
      /** Alert window (an Azure Monitor window size) for the backlog-age proxy. */
      queueAgeMinutes: z.union([z.literal(5), z.literal(15), z.literal(30), z.literal(60)]),
    }),
    worker: z.object({
      namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
      serviceAccount: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
      imageRepository: z.string().regex(/^[a-z0-9][a-z0-9/_.-]*$/),
      /** Jobs each pod runs at once (WORKER_CONCURRENCY). */
      concurrency: z.number().int().min(1).max(16),
      jobTimeoutSeconds: z.number().int().min(30).max(3600),
      drainGraceSeconds: z.number().int().min(5).max(600),
      modelName: z.string().min(1).default(DEFAULT_MODEL_NAME),
      modelVersion: z.string().min(1).default("current"),
      ocrEnabled: z.boolean(),
      logLevel: z.enum(["trace", "debug", "info", "warn", "error"]),
      resources: z.object({
        requests: z.object({ cpu: quantity, memory: quantity }),
        limits: z.object({ cpu: quantity, memory: quantity }),
      }),
    }),
    scaling: z.object({
      mode: z.enum(["scaledObject", "scaledJob"]),
      maxReplicas: z.number().int().min(1).max(500),
      pollingIntervalSeconds: z.number().int().min(5).max(300),
      cooldownPeriodSeconds: z.number().int().min(0).max(3600),
      activationMessageCount: z.number().int().min(0),
      /** HPA scale-in: wait this long at a lower recommendation before removing pods. */
      scaleDownStabilizationSeconds: z.number().int().min(0).max(3600),
      /**
       * HPA scale-in: remove at most this many pods per minute; null = no rate limit (every idle
       * pod may go at once; busy ones drain). Chosen with `docsift capacity` (ADR 0020).
       */
      scaleDownPodsPerMinute: z.number().int().min(1).nullable(),
      /**
       * `default` is exact with a count that includes locked messages; `eager` starts a Job for
       * every active message, in flight ones included, up to maxReplicas each poll (the extra Jobs
       * exit after SCALED_JOB_IDLE_EXIT_SECONDS). See ADR 0009.
       */
      scaledJobStrategy: z.enum(["default", "eager"]),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.aks.maxNodes < c.aks.minNodes) {
      ctx.addIssue({ code: "custom", path: ["aks", "maxNodes"], message: "maxNodes must be >= minNodes" });
    }
    // A drain window shorter than a job would let Kubernetes kill pods mid-job on scale-in.
    if (c.worker.drainGraceSeconds > c.worker.jobTimeoutSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["worker", "drainGraceSeconds"],
        message: "drainGraceSeconds must not exceed jobTimeoutSeconds",
      });
    }
    // A job that is still queued must not expire: its task message can arrive until taskTimeToLive.
    if (c.cosmos.jobRetentionDays * 86_400 <= isoDurationSeconds(c.serviceBus.taskTimeToLive)) {
      ctx.addIssue({
        code: "custom",
        path: ["cosmos", "jobRetentionDays"],
        message: "jobRetentionDays must be longer than serviceBus.taskTimeToLive",
      });
    }
    if (c.network.restrictServiceBus && c.serviceBus.sku !== "Premium") {
      ctx.addIssue({
        code: "custom",
        path: ["network", "restrictServiceBus"],
        message: "Service Bus network rules need serviceBus.sku Premium",
      });
    }
    const names = [c.prefix + c.environment, `${c.prefix}fn${c.environment}`];
    for (const n of names) {
      if (n.length > 24) {
        ctx.addIssue({
          code: "custom",
          path: ["prefix"],
          message: `storage account name ${n} exceeds 24 chars`,
        });
      }
    }
  });

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

/** Validate raw JSON; the error lists every failing field with its path. */
export function parseEnvironmentConfig(raw: unknown, source = "configuration"): EnvironmentConfig {
  const result = environmentConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`invalid ${source}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Load `environments/<name>.json`; the name comes from the CLI or DOCSIFT_ENV. */
export function loadEnvironmentConfig(name: string, dir: string = ENVIRONMENTS_DIR): EnvironmentConfig {
  if (!/^[a-z][a-z0-9]{1,7}$/.test(name)) throw new Error(`invalid environment name "${name}"`);
  const file = path.join(dir, `${name}.json`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`no configuration for environment "${name}": ${file} does not exist`);
  }
  const config = parseEnvironmentConfig(JSON.parse(text), file);
  if (config.environment !== name) {
    throw new Error(`${file} declares environment "${config.environment}", expected "${name}"`);
  }
  return config;
}

/** Worker pods need this long to finish an in-flight job after SIGTERM, plus a margin to flush. */
export const terminationGracePeriodSeconds = (c: EnvironmentConfig): number =>
  c.worker.jobTimeoutSeconds + 60;

/**
 * KEDA's target per pod. The scaler counts ActiveMessageCount, which includes messages a pod
 * has locked, so a pod running `concurrency` jobs "holds" exactly that many: target = concurrency
 * gives one pod per `concurrency` messages, queued or in flight.
 */
/**
 * Scratch the worker writes to its /tmp emptyDir: each of `concurrency` jobs downloads one document
 * of at most `maxUploadBytes`, plus room for the model cache (models/<name>/<version> copied
 * to /tmp/docsift-models) and per-page scratch.
 */
export const WORKER_SCRATCH_MARGIN_BYTES = 512 * 1024 * 1024;
export const workerTempStorageBytes = (c: EnvironmentConfig): number =>
  c.worker.concurrency * c.storage.maxUploadBytes + WORKER_SCRATCH_MARGIN_BYTES;

export const kedaMessageCount = (c: EnvironmentConfig): number => c.worker.concurrency;

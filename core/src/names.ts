// Names that the app, the local stack and the infrastructure must agree on. The cdktf stacks
// import this module so a renamed queue or container cannot drift between code and Azure.
export const QUEUES = {
  tasks: "inference-tasks",
  events: "job-events",
} as const;

export const DEAD_LETTER_SUFFIX = "/$DeadLetterQueue";
export const deadLetterPath = (queue: string): string => `${queue}${DEAD_LETTER_SUFFIX}`;

export const BLOB_CONTAINERS = {
  uploads: "uploads",
  models: "models",
} as const;

export const COSMOS = {
  database: "docsift",
  containers: {
    jobs: { name: "jobs", partitionKey: "/userId" },
    deadletters: { name: "deadletters", partitionKey: "/jobId" },
    pushSubscriptions: { name: "push-subscriptions", partitionKey: "/userId" },
    leases: { name: "leases", partitionKey: "/id" },
  },
} as const;

export const WEB_PUBSUB_HUB = "docsift";

/** Blob name of a user's upload: the SAS for a job is scoped to exactly this blob. */
export const uploadBlobName = (userId: string, jobId: string): string => `${userId}/${jobId}`;

/** Default key-information model, as published to `models/{name}/{version}/`. */
export const DEFAULT_MODEL_NAME = "docsift-kie";

export const MIB = 1024 * 1024;
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * MIB;
/** Per-user intake limits: well above what a person uploading by hand or a script's batch needs. */
export const DEFAULT_MAX_JOBS_PER_MINUTE = 30;
export const DEFAULT_MAX_OPEN_UPLOADS = 20;
/** Pages of one document read by OCR; further image pages are read as blank (OCR_MAX_PAGES). */
export const DEFAULT_OCR_MAX_PAGES = 20;

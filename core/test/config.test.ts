import { describe, expect, it } from "vitest";
import {
  ConfigError,
  FunctionsConfigSchema,
  LocalStackConfigSchema,
  WorkerConfigSchema,
  parseConfig,
} from "../src/index.js";

const localFunctions = {
  DOCSIFT_ENVIRONMENT: "local",
  AUTH_MODE: "dev",
  STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
  COSMOS_CONNECTION_STRING: "AccountEndpoint=https://127.0.0.1:8081/;AccountKey=k;",
  SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=a;SharedAccessKey=b;UseDevelopmentEmulator=true",
  WEBPUBSUB_CONNECTION_STRING: "Endpoint=http://127.0.0.1;Port=7080;AccessKey=k;Version=1.0;",
  WEBPUBSUB_ALLOW_HTTP: "true",
};

const azureWorker = {
  DOCSIFT_ENVIRONMENT: "azure",
  STORAGE_ACCOUNT_URL: "https://acct.blob.core.windows.net",
  COSMOS_ENDPOINT: "https://acct.documents.azure.com:443/",
  SERVICEBUS_NAMESPACE: "ns.servicebus.windows.net",
  KUBERNETES_SERVICE_HOST: "10.0.0.1",
};

describe("configuration", () => {
  it("parses a local functions environment with defaults", () => {
    const c = parseConfig("functions", FunctionsConfigSchema, localFunctions);
    expect(c.auth).toEqual({ mode: "dev", devUserId: "dev-user", adminRole: "docsift.admin" });
    expect(c.storage).toEqual({ kind: "connectionString", connectionString: "UseDevelopmentStorage=true" });
    expect(c.uploads.maxBytes).toBe(100 * 1024 * 1024);
    expect(c.uploads.sasTtlMs).toBe(10 * 60_000);
    expect(c.queues).toEqual({ tasks: "inference-tasks", events: "job-events" });
    expect(c.webPubSub.allowInsecureConnection).toBe(true);
    expect(c.intake).toEqual({ jobsPerMinute: 30, openUploads: 20 });
  });

  it("reads the per-user intake limits and refuses a limit of zero", () => {
    const c = parseConfig("functions", FunctionsConfigSchema, {
      ...localFunctions,
      MAX_JOBS_PER_MINUTE: "5",
      MAX_OPEN_UPLOADS: "3",
    });
    expect(c.intake).toEqual({ jobsPerMinute: 5, openUploads: 3 });
    expect(() =>
      parseConfig("functions", FunctionsConfigSchema, { ...localFunctions, MAX_OPEN_UPLOADS: "0" }),
    ).toThrow(/MAX_OPEN_UPLOADS: must be an integer from 1/);
  });

  it("names every missing or bad variable in one error", () => {
    let error: unknown;
    try {
      parseConfig("functions", FunctionsConfigSchema, {
        DOCSIFT_ENVIRONMENT: "local",
        AUTH_MODE: "nope",
        SAS_TTL_MINUTES: "60",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of [
      "AUTH_MODE",
      "SAS_TTL_MINUTES",
      "STORAGE_ACCOUNT_URL",
      "COSMOS_ENDPOINT",
      "SERVICEBUS_NAMESPACE",
      "WEBPUBSUB_ENDPOINT",
    ])
      expect(message).toContain(name);
  });

  it("refuses dev auth, keys and plain HTTP in Azure, and local mode on an Azure host", () => {
    const inAzure = () =>
      parseConfig("functions", FunctionsConfigSchema, { ...localFunctions, DOCSIFT_ENVIRONMENT: "azure" });
    expect(inAzure).toThrow(/AUTH_MODE: "dev" is only allowed/);
    expect(inAzure).toThrow(
      /STORAGE_CONNECTION_STRING: connection strings with keys are for the local stack only/,
    );
    expect(inAzure).toThrow(/WEBPUBSUB_ALLOW_HTTP: plain HTTP/);
    expect(() =>
      parseConfig("functions", FunctionsConfigSchema, { ...localFunctions, WEBSITE_INSTANCE_ID: "abc" }),
    ).toThrow(/local mode is refused here/);
  });

  it("parses an Azure worker with identity connections and derives the drain grace", () => {
    const c = parseConfig("worker", WorkerConfigSchema, azureWorker);
    expect(c.storage).toEqual({ kind: "identity", endpoint: "https://acct.blob.core.windows.net" });
    expect(c.serviceBus).toEqual({ kind: "identity", endpoint: "ns.servicebus.windows.net" });
    expect(c.concurrency).toBe(1);
    expect(c.jobTimeoutMs).toBe(600_000);
    expect(c.drainGraceMs).toBe(630_000);
    expect(c.model).toMatchObject({
      name: "docsift-kie",
      version: "current",
      source: "blob",
      rolloutRefreshMs: 60_000,
    });
    expect(c.helperCpuAffinity).toBe("auto");
    expect(
      parseConfig("worker", WorkerConfigSchema, { ...azureWorker, HELPER_CPU_AFFINITY: "off" })
        .helperCpuAffinity,
    ).toBe("off");
    expect(() =>
      parseConfig("worker", WorkerConfigSchema, { ...azureWorker, HELPER_CPU_AFFINITY: "pinned" }),
    ).toThrow(/HELPER_CPU_AFFINITY/);
  });

  it("rejects an http endpoint, both connection kinds at once, and an extraction timeout above the job timeout", () => {
    expect(() =>
      parseConfig("worker", WorkerConfigSchema, {
        ...azureWorker,
        STORAGE_ACCOUNT_URL: "http://acct",
        SERVICEBUS_CONNECTION_STRING: "Endpoint=sb://x",
        EXTRACTION_TIMEOUT_SECONDS: "900",
      }),
    ).toThrow(
      /STORAGE_ACCOUNT_URL: must be an https:\/\/ URL[\s\S]*SERVICEBUS_CONNECTION_STRING: set either[\s\S]*EXTRACTION_TIMEOUT_SECONDS/,
    );
  });

  it("gives the local stack fixed default ports and validates overrides", () => {
    expect(parseConfig("local", LocalStackConfigSchema, {}).ports).toEqual({
      blob: 10000,
      cosmos: 8081,
      serviceBus: 5672,
      webPubSub: 7080,
      http: 7071,
    });
    expect(() => parseConfig("local", LocalStackConfigSchema, { LOCAL_HTTP_PORT: "70000" })).toThrow(
      /LOCAL_HTTP_PORT: must be an integer from 0 to 65535/,
    );
    expect(parseConfig("local", LocalStackConfigSchema, {})).toMatchObject({ persist: false, maxCrashes: 5 });
    expect(
      parseConfig("local", LocalStackConfigSchema, { LOCAL_PERSIST: "true", LOCAL_MAX_CRASHES: "2" }),
    ).toMatchObject({ persist: true, maxCrashes: 2 });
    expect(() => parseConfig("local", LocalStackConfigSchema, { LOCAL_PERSIST: "maybe" })).toThrow(
      /LOCAL_PERSIST: must be true or false/,
    );
  });
});

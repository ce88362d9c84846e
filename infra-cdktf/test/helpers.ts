import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { Ajv, type ValidateFunction } from "ajv";
import { parseEnvironmentConfig, type EnvironmentConfig } from "../src/config.js";
import { AzureStack } from "../src/azure/azure-stack.js";
import { KubernetesStack } from "../src/kubernetes/kubernetes-stack.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../..");

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = base[k];
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object"
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export function rawTestConfig(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(here, "fixtures/test.json"), "utf8")) as Record<string, unknown>;
}

export function testConfig(patch: DeepPartial<EnvironmentConfig> = {}): EnvironmentConfig {
  return parseEnvironmentConfig(merge(rawTestConfig(), patch as Record<string, unknown>), "test fixture");
}

export type TerraformJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  provider?: Record<string, unknown[]>;
  terraform: Record<string, unknown>;
  output?: Record<string, unknown>;
};

export function synthAzure(config = testConfig()): { text: string; json: TerraformJson } {
  const app = Testing.app();
  const stack = new AzureStack(app, "azure", config);
  // `true` runs cdktf's own validations (required blocks, provider constraints) during synth.
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) as TerraformJson };
}

export function synthKubernetes(
  config = testConfig(),
  imageTag = "0123abc",
): { text: string; json: TerraformJson } {
  const app = Testing.app();
  const stack = new KubernetesStack(app, "kubernetes", config, { imageTag });
  const text = Testing.synth(stack, true);
  return { text, json: JSON.parse(text) as TerraformJson };
}

export function resourcesOf(json: TerraformJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}

export function resource(json: TerraformJson, type: string, id: string): Record<string, unknown> {
  const r = json.resource[type]?.[id];
  if (!r) throw new Error(`no ${type}.${id} in synthesized JSON`);
  return r;
}

// ---- KEDA CRD schemas
// Vendored in the repository (unmodified files of KEDA v2.20.2, Apache-2.0; see the folder's README)
// so a user's clone runs these tests without anything beside it.
export const kedaSchemaDir = (): string => path.resolve(repoRoot, "infra-cdktf/test/fixtures/keda-crds");

type JsonSchema = Record<string, unknown>;

/**
 * The API server prunes unknown fields silently, so a misspelt field would just vanish. Closing
 * every object that lists its properties turns that into a validation error here.
 */
function closeObjects(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "properties" && v && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, closeObjects(pv as JsonSchema)]));
    } else if (Array.isArray(v)) {
      out[k] = v.map((x) => (x && typeof x === "object" ? closeObjects(x as JsonSchema) : x));
    } else if (v && typeof v === "object") {
      out[k] = closeObjects(v as JsonSchema);
    } else {
      out[k] = v;
    }
  }
  if (
    schema.properties &&
    schema.additionalProperties === undefined &&
    !schema["x-kubernetes-preserve-unknown-fields"]
  ) {
    out.additionalProperties = false;
  }
  return out;
}

const validators = new Map<string, ValidateFunction>();

export function kedaValidator(
  kind: "ScaledObject" | "ScaledJob" | "TriggerAuthentication",
): ValidateFunction {
  const cached = validators.get(kind);
  if (cached) return cached;
  const dir = kedaSchemaDir();
  if (!existsSync(dir)) {
    throw new Error(
      `KEDA CRD schemas not found at ${dir}: they are vendored in the repository; is the checkout complete?`,
    );
  }
  const file = {
    ScaledObject: "scaledobjects",
    ScaledJob: "scaledjobs",
    TriggerAuthentication: "triggerauthentications",
  }[kind];
  const crd = parse(readFileSync(path.join(dir, `keda.sh_${file}.yaml`), "utf8")) as {
    spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JsonSchema } }[] };
  };
  if (crd.spec.names.kind !== kind)
    throw new Error(`${file} defines ${crd.spec.names.kind}, expected ${kind}`);
  const version = crd.spec.versions.find((v) => v.name === "v1alpha1");
  if (!version) throw new Error(`${file} has no v1alpha1 version`);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(closeObjects(version.schema.openAPIV3Schema));
  validators.set(kind, validate);
  return validate;
}

export function validateKeda(manifest: object): string[] {
  const validate = kedaValidator((manifest as { kind: string }).kind as "ScaledObject");
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

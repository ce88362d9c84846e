import { DEFAULT_OCR_MAX_PIXELS } from "./pp-ocr-engine.js";

/** OCR switches read from the environment (see docs/decisions/0010-ocr.md). */
export interface OcrSettings {
  /** `OCR_ENABLED` (default true): off, images are refused and PDF pages without text stay empty. */
  enabled: boolean;
  /** `OCR_MAX_PAGES` (default 20): pages one document may send through OCR. */
  maxPages: number;
  /** `OCR_MAX_PIXELS` (default 4,000,000): larger page images are downscaled to this. */
  maxPixels: number;
  /** `OCR_THREADS` (default: ONNX Runtime's, one per core): threads per session. */
  intraOpThreads: number | undefined;
}

export const DEFAULT_OCR_MAX_PAGES = 20;

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** Reads the OCR settings; a malformed value throws rather than silently falling back. */
export function readOcrSettings(env: Record<string, string | undefined> = process.env): OcrSettings {
  return {
    enabled: readBoolean(env, "OCR_ENABLED", true),
    maxPages: readPositiveInt(env, "OCR_MAX_PAGES") ?? DEFAULT_OCR_MAX_PAGES,
    maxPixels: readPositiveInt(env, "OCR_MAX_PIXELS") ?? DEFAULT_OCR_MAX_PIXELS,
    intraOpThreads: readPositiveInt(env, "OCR_THREADS"),
  };
}

function readBoolean(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new Error(`${name} must be true or false, got "${env[name]}"`);
}

function readPositiveInt(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw.replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

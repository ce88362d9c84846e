import type { WorkerConfig } from "@docsift/core";
import type { OcrEngine } from "@docsift/extraction";
import type { Logger } from "pino";

interface OcrModule {
  createPpOcrEngine(opts: { intraOpThreads?: number; logger?: Logger }): Promise<OcrEngine>;
}

// Loaded only when OCR is enabled: the OCR stack (sharp, canvas, the PP-OCR sessions' runtime)
// is native code a worker without OCR should not map into memory at all.
const OCR_ENTRY = "@docsift/extraction/ocr";

/**
 * The OCR engine for images and PDF pages without a text layer. Its sessions load on the first
 * page that needs them, so a worker that never meets a scan never pays their memory.
 */
export async function createOcrEngine(config: Pick<WorkerConfig, "model">, log: Logger): Promise<OcrEngine> {
  let ocr: OcrModule;
  try {
    ocr = (await import(OCR_ENTRY)) as OcrModule;
  } catch (err) {
    throw new Error(`OCR is enabled but ${OCR_ENTRY} cannot be loaded; set OCR_ENABLED=false or install it`, {
      cause: err,
    });
  }
  return ocr.createPpOcrEngine({
    intraOpThreads: config.model.intraOpThreads,
    logger: log.child({ component: "ocr" }),
  });
}

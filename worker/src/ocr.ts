import type { WorkerConfig } from "@docsift/core";
import type { OcrEngine } from "@docsift/extraction";
import type { Logger } from "pino";

/**
 * The OCR engine for images and PDF pages without a text layer. The module is imported only
 * when OCR is enabled: its native stack (sharp, canvas, a second ONNX Runtime session pair) is
 * memory a worker without OCR should not map at all. The sessions themselves load on the first
 * page that needs them.
 */
export async function createOcrEngine(config: Pick<WorkerConfig, "model">, log: Logger): Promise<OcrEngine> {
  const { createPpOcrEngine } = await import("@docsift/extraction/ocr");
  return createPpOcrEngine({
    intraOpThreads: config.model.intraOpThreads,
    logger: log.child({ component: "ocr" }),
  });
}

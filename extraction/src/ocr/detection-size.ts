// The detector's input size: kept apart from the sessions so the OCR cache identity (ocr-head.ts)
// can name it without loading ONNX Runtime.

/**
 * The detector's input cap: 1.2 MP is A4 at about 110 dpi (896 × 1280 after padding). The
 * detector only has to find the text rows, and its cost and memory grow with its input's pixels
 * (A4 at 150 dpi is 2.2 MP, at 200 dpi 3.9 MP); the crops it returns are cut from the full-size
 * page, so the recogniser reads the same pixels as before. Measured on 20 rendered held-out pages
 * (10 documents at 150 and 200 dpi): characters misread per truth item 0.0013 at full size, 0.0006
 * at 1.2 MP, and more spaces kept ("68912 Bilbao" for "68912Bilbao"); some adjacent table-header
 * cells now join into one line ("Einzelpreis Betrag"). 0.65 MP (960 px on the long side) read
 * clearly worse on 4 pages (reading-order CER 0.0140 against 0.0038).
 */
export const DETECTION_MAX_PIXELS = 1_200_000;
export const DETECTOR_STRIDE = 32;

/**
 * The detector's input size for a padded page: the page itself when it has at most `maxPixels`,
 * else scaled down to about `maxPixels`, each side a multiple of the detector's stride (32).
 */
export function detectionSize(
  width: number,
  height: number,
  maxPixels: number,
): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const scale = Math.sqrt(maxPixels / (width * height));
  const side = (n: number): number =>
    Math.max(DETECTOR_STRIDE, Math.floor((n * scale) / DETECTOR_STRIDE) * DETECTOR_STRIDE);
  const w = side(width);
  // A very thin page clamps to one stride across: its length then gives way to stay under the cap.
  const h = Math.max(
    DETECTOR_STRIDE,
    Math.min(side(height), Math.floor(maxPixels / w / DETECTOR_STRIDE) * DETECTOR_STRIDE),
  );
  return { width: w, height: h };
}

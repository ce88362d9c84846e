// Measures OCR time and memory per page on the sample invoice:
//   npx tsx extraction/src/ocr-training/measure-ocr.ts [--dpi 150|200] [--pages N] [--threads N] [--noise 0..1]
// Prints one JSON line per page and a summary; figures are recorded in docs/decisions/0010-ocr.md.
import { parseArgs } from "node:util";
import { pino } from "pino";
import { createPpOcrEngine } from "../ocr/pp-ocr-engine.js";
import { renderLinesToPng } from "./render-svg-page.js";
import { SAMPLE_INVOICE_LINES } from "./sample-invoice.js";

const { values } = parseArgs({
  options: {
    dpi: { type: "string", default: "150" },
    pages: { type: "string", default: "5" },
    threads: { type: "string" },
    noise: { type: "string", default: "0" },
  },
});
const dpi = Number(values.dpi);
const width = Math.round((210 / 25.4) * dpi);
const height = Math.round((297 / 25.4) * dpi);
const png = await renderLinesToPng(
  SAMPLE_INVOICE_LINES.map((l) => ({ ...l, fontSize: Math.round(((l.fontSize ?? 21) * dpi) / 150) })),
  { width, height, noise: Number(values.noise) },
);

let peakRss = 0;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};
const sampler = setInterval(sample, 5);
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

const engine = await createPpOcrEngine({
  intraOpThreads: values.threads ? Number(values.threads) : undefined,
  logger: pino({ level: "warn" }),
});
const baseline = process.memoryUsage.rss();
const times: number[] = [];
for (let n = 1; n <= Number(values.pages); n++) {
  peakRss = 0;
  const before = process.memoryUsage.rss();
  const started = performance.now();
  const page = await engine.recognizePage(png, n);
  const ms = Math.round(performance.now() - started);
  sample();
  times.push(ms);
  console.log(
    JSON.stringify({
      page: n,
      ms,
      lines: page.lines.length,
      rssBeforeMiB: mb(before),
      peakRssMiB: mb(peakRss),
      rssAfterMiB: mb(process.memoryUsage.rss()),
    }),
  );
}
await engine.close();
clearInterval(sampler);
const steady = times.slice(1);
console.log(
  JSON.stringify({
    dpi,
    width,
    height,
    threads: values.threads ?? "ort-default",
    firstPageMs: times[0],
    steadyMeanMs: steady.length ? Math.round(steady.reduce((a, b) => a + b, 0) / steady.length) : undefined,
    rssBeforeFirstPageMiB: mb(baseline),
    rssAfterCloseMiB: mb(process.memoryUsage.rss()),
  }),
);

import { DOCUMENT_TYPES, FIELD_NAMES } from "@docsift/core";
import type { SplitMetrics } from "../runtime/manifest.js";

export interface FamilyResult {
  /** Family name, e.g. "letterhead" or "html-templates". */
  family: string;
  /** Who wrote the layouts: the project's own generator (trained without this family) or other people. */
  origin: "in-house, left out of training" | "written by others, never trained on";
  label: string;
  metrics: SplitMetrics;
}

const pct = (x: number): string => (x * 100).toFixed(1);

/** The family whose micro F1 is lowest: the headline of the evaluation. */
export function worstFamily(results: readonly FamilyResult[]): FamilyResult | undefined {
  return results.reduce<FamilyResult | undefined>(
    (w, r) => (!w || r.metrics.micro.f1 < w.metrics.micro.f1 ? r : w),
    undefined,
  );
}

/**
 * The leave-one-family-out section of eval.md: the worst family first (the headline), one row per
 * family, per-field F1 per family, the document-type confusion over all families, and how well
 * the reported confidences are calibrated.
 */
export function familyReport(
  results: readonly FamilyResult[],
  goal: { micro: number; field: number },
): string {
  const out: string[] = [];
  const worst = worstFamily(results);
  if (!worst) return "";
  out.push(
    "## Families (headline: the worst family)",
    "",
    `**Headline: ${pct(worst.metrics.micro.f1)} micro F1, family \`${worst.family}\`** (${worst.origin}). ` +
      `Goal ≥ ${pct(goal.micro)} micro F1 on every family.`,
    "",
    "| family | origin | documents | micro P / R / F1 | type accuracy | ECE | precision at confidence ≥ 0.9 (values) |",
    "|---|---|---|---|---|---|---|",
  );
  for (const r of results) {
    const m = r.metrics;
    out.push(
      `| ${r.family} | ${r.origin} | ${m.documents} | ${pct(m.micro.precision)} / ${pct(m.micro.recall)} / **${pct(m.micro.f1)}**${m.micro.f1 < goal.micro ? " ✗" : ""} | ${pct(m.documentTypeAccuracy)} | ${m.calibration?.ece.toFixed(3) ?? "–"} | ${m.calibration ? `${pct(m.calibration.precisionAt90)} (${m.calibration.reportedAt90})` : "–"} |`,
    );
  }
  out.push("", "Per field, F1 (support) per family:", "");
  out.push("| field | " + results.map((r) => r.family).join(" | ") + " |");
  out.push("|---|" + results.map(() => "---|").join(""));
  for (const f of FIELD_NAMES) {
    out.push(
      `| ${f} | ` +
        results
          .map((r) => {
            const m = r.metrics.perField[f];
            if (!m || m.support === 0) return m && m.precision < 1 ? `FP only (P ${pct(m.precision)})` : "–";
            return `${pct(m.f1)}${m.f1 < goal.field ? " ✗" : ""} (${m.support})`;
          })
          .join(" | ") +
        " |",
    );
  }

  // Calibration per field, every family pooled: a field whose high-confidence values are wrong too
  // often is where the calibration data and a stranger's documents part ways.
  out.push(
    "",
    "Confidence per field, every family pooled (values reported; ECE; precision of values at ≥ 0.9):",
    "",
  );
  out.push("| field | values | ECE | at ≥ 0.9: values, share right |", "|---|---|---|---|");
  for (const f of FIELD_NAMES) {
    let n = 0;
    let eceSum = 0;
    let at90 = 0;
    let right90 = 0;
    for (const r of results) {
      const c = r.metrics.calibration?.perField?.[f];
      if (!c) continue;
      n += c.reported;
      eceSum += c.ece * c.reported;
      at90 += c.reportedAt90;
      right90 += c.precisionAt90 * c.reportedAt90;
    }
    if (n === 0) continue;
    out.push(
      `| ${f} | ${n} | ${(eceSum / n).toFixed(3)} | ${at90}, ${at90 ? pct(right90 / at90) : "–"}${at90 && right90 / at90 < 0.98 ? " ✗" : ""} |`,
    );
  }

  // Document types: every family pooled. A non-invoice typed "invoice" is the costly mistake.
  const pooled = new Map<string, Map<string, number>>();
  for (const r of results)
    for (const [t, row] of Object.entries(r.metrics.confusion ?? {})) {
      const into = pooled.get(t) ?? new Map<string, number>();
      pooled.set(t, into);
      for (const [p, n] of Object.entries(row)) into.set(p, (into.get(p) ?? 0) + n);
    }
  const present = DOCUMENT_TYPES.filter(
    (t) => pooled.has(t) || [...pooled.values()].some((row) => row.has(t)),
  );
  out.push("", "Document types, all families (rows: truth, columns: predicted):", "");
  out.push("| truth \\ predicted | " + present.join(" | ") + " |");
  out.push("|---|" + present.map(() => "---|").join(""));
  for (const t of present) {
    const row = pooled.get(t);
    if (!row) continue;
    out.push(`| ${t} | ` + present.map((p) => String(row.get(p) ?? 0)).join(" | ") + " |");
  }
  let nonInvoice = 0;
  let typedInvoice = 0;
  for (const [t, row] of pooled) {
    if (t === "invoice") continue;
    for (const [p, n] of row) {
      nonInvoice += n;
      if (p === "invoice") typedInvoice += n;
    }
  }
  out.push("", `Non-invoices typed "invoice": ${typedInvoice} of ${nonInvoice}.`);

  // Reliability: values of every family pooled, by confidence bin.
  const bins = new Map<number, { from: number; to: number; n: number; conf: number; acc: number }>();
  for (const r of results)
    for (const b of r.metrics.reliability ?? []) {
      const into = bins.get(b.from) ?? { from: b.from, to: b.to, n: 0, conf: 0, acc: 0 };
      bins.set(b.from, into);
      into.n += b.n;
      into.conf += b.meanConfidence * b.n;
      into.acc += b.accuracy * b.n;
    }
  const total = [...bins.values()].reduce((n, b) => n + b.n, 0);
  let ece = 0;
  out.push("", "Reliability of the reported confidences, every family pooled:", "");
  out.push("| confidence | values | mean confidence | share right |", "|---|---|---|---|");
  for (const b of [...bins.values()].sort((a, z) => a.from - z.from)) {
    const conf = b.conf / b.n;
    const acc = b.acc / b.n;
    ece += (b.n / total) * Math.abs(conf - acc);
    out.push(`| ${b.from.toFixed(1)}–${b.to.toFixed(1)} | ${b.n} | ${conf.toFixed(3)} | ${acc.toFixed(3)} |`);
  }
  out.push("", `Expected calibration error, pooled: ${ece.toFixed(3)} (goal ≤ 0.05).`);
  return out.join("\n") + "\n";
}

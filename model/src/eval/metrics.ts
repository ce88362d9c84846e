import type { DocumentType, ExtractedField, FieldName } from "@docsift/core";
import { DOCUMENT_TYPES, FIELD_NAMES } from "@docsift/core";
import type { Truth } from "../generator/types.js";
import type { SplitMetrics } from "../runtime/manifest.js";
import { precisionAbove, reliability } from "../decode/calibration.js";

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  support: number;
}

const empty = (): Counts => ({ tp: 0, fp: 0, fn: 0, support: 0 });
/** A reported value is right when it equals the truth, ignoring case and runs of white space. */
export const same = (a: string, b: string): boolean =>
  a.replace(/\s+/g, " ").trim().toLowerCase() === b.replace(/\s+/g, " ").trim().toLowerCase();

/** Accumulates per-field and per-document-type precision/recall. A wrong value counts as FP and FN. */
export class MetricsAccumulator {
  private readonly fields = new Map<FieldName, Counts>(FIELD_NAMES.map((f) => [f, empty()]));
  private readonly types = new Map<DocumentType, Counts & { docs: number; typeHits: number }>(
    DOCUMENT_TYPES.map((t) => [t, { ...empty(), docs: 0, typeHits: 0 }]),
  );
  private docs = 0;
  private typeHits = 0;
  readonly errors: Array<{ seed: number; field: FieldName; expected?: string; got?: string }> = [];
  /** Every reported value: its confidence and whether it was right (for calibration figures). */
  readonly reported: Array<{ field: FieldName; confidence: number; correct: boolean }> = [];
  /** Truth type → predicted type → documents. */
  readonly confusion = new Map<DocumentType, Map<DocumentType, number>>();

  add(
    seed: number,
    truth: Truth,
    predictedType: DocumentType,
    predicted: Partial<Record<FieldName, ExtractedField>>,
  ): void {
    this.docs++;
    const row = this.confusion.get(truth.documentType) ?? new Map<DocumentType, number>();
    this.confusion.set(truth.documentType, row);
    row.set(predictedType, (row.get(predictedType) ?? 0) + 1);
    const byType = this.types.get(truth.documentType) as Counts & { docs: number; typeHits: number };
    byType.docs++;
    if (predictedType === truth.documentType) {
      this.typeHits++;
      byType.typeHits++;
    }
    for (const f of FIELD_NAMES) {
      const expected = truth.fields[f];
      const got = predicted[f]?.value;
      const c = this.fields.get(f) as Counts;
      const field = predicted[f];
      if (field)
        this.reported.push({
          field: f,
          confidence: field.confidence,
          correct: expected !== undefined && same(expected, field.value),
        });
      for (const k of [c, byType]) {
        if (expected !== undefined) k.support++;
        if (expected !== undefined && got !== undefined && same(expected, got)) k.tp++;
        else {
          if (got !== undefined) k.fp++;
          if (expected !== undefined) k.fn++;
        }
      }
      if (
        !(expected !== undefined && got !== undefined && same(expected, got)) &&
        (expected ?? got) !== undefined
      ) {
        this.errors.push({
          seed,
          field: f,
          ...(expected !== undefined ? { expected } : {}),
          ...(got !== undefined ? { got } : {}),
        });
      }
    }
  }

  result(): SplitMetrics {
    const prf = (c: Counts) => {
      const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
      const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { precision: r4(precision), recall: r4(recall), f1: r4(f1), support: c.support };
    };
    const micro = empty();
    const perField: SplitMetrics["perField"] = {};
    for (const [f, c] of this.fields) {
      perField[f] = prf(c);
      micro.tp += c.tp;
      micro.fp += c.fp;
      micro.fn += c.fn;
      micro.support += c.support;
    }
    const perDocumentType: SplitMetrics["perDocumentType"] = {};
    for (const [t, c] of this.types) {
      if (c.docs > 0) perDocumentType[t] = { ...prf(c), typeAccuracy: r4(c.typeHits / c.docs) };
    }
    const rel = reliability(this.reported);
    const high = precisionAbove(this.reported, 0.9);
    const confusion: Record<string, Record<string, number>> = {};
    for (const [t, row] of this.confusion) confusion[t] = Object.fromEntries(row);
    return {
      documents: this.docs,
      perField,
      perDocumentType,
      micro: prf(micro),
      documentTypeAccuracy: r4(this.typeHits / Math.max(1, this.docs)),
      calibration: {
        ece: rel.ece,
        precisionAt90: high.precision,
        reportedAt90: high.n,
        reported: this.reported.length,
        perField: Object.fromEntries(
          FIELD_NAMES.map((f) => {
            const mine = this.reported.filter((r) => r.field === f);
            const at = precisionAbove(mine, 0.9);
            return [
              f,
              {
                ece: reliability(mine).ece,
                precisionAt90: at.precision,
                reportedAt90: at.n,
                reported: mine.length,
              },
            ];
          }),
        ),
      },
      reliability: rel.table,
      confusion,
    };
  }
}

const r4 = (x: number): number => Math.round(x * 10000) / 10000;

const pct = (x: number): string => (x * 100).toFixed(1);

/** One Markdown section per split: per-field and per-document-type P/R/F1. */
export function markdownReport(
  title: string,
  splits: Record<string, { label: string; metrics: SplitMetrics }>,
  goal: Record<string, number>,
): string {
  const keys = Object.keys(splits);
  const out: string[] = [`# ${title}`, ""];
  out.push("| field | " + keys.map((k) => `${k} P / R / F1`).join(" | ") + " |");
  out.push("|---|" + keys.map(() => "---|").join(""));
  for (const f of FIELD_NAMES) {
    out.push(
      `| ${f} | ` +
        keys
          .map((k) => {
            const m = splits[k]!.metrics.perField[f]!;
            const miss = m.f1 < (goal[k] ?? 0) ? " ✗" : "";
            return `${pct(m.precision)} / ${pct(m.recall)} / **${pct(m.f1)}**${miss} (n=${m.support})`;
          })
          .join(" | ") +
        " |",
    );
  }
  out.push(
    `| **micro** | ` +
      keys
        .map((k) => {
          const m = splits[k]!.metrics.micro;
          return `${pct(m.precision)} / ${pct(m.recall)} / **${pct(m.f1)}**`;
        })
        .join(" | ") +
      " |",
  );
  out.push(
    `| document type accuracy | ` +
      keys.map((k) => pct(splits[k]!.metrics.documentTypeAccuracy)).join(" | ") +
      " |",
  );
  out.push("", "Per document type (micro over its fields; type accuracy):", "");
  out.push("| document type | " + keys.map((k) => `${k} P / R / F1 · type acc.`).join(" | ") + " |");
  out.push("|---|" + keys.map(() => "---|").join(""));
  for (const t of DOCUMENT_TYPES) {
    out.push(
      `| ${t} | ` +
        keys
          .map((k) => {
            const m = splits[k]!.metrics.perDocumentType[t];
            return m
              ? `${pct(m.precision)} / ${pct(m.recall)} / **${pct(m.f1)}** · ${pct(m.typeAccuracy)}`
              : "–";
          })
          .join(" | ") +
        " |",
    );
  }
  out.push("", "Splits:", "");
  for (const k of keys)
    out.push(
      `- **${k}**: ${splits[k]!.label} (${splits[k]!.metrics.documents} documents; goal F1 ≥ ${goal[k] ?? "–"} per field)`,
    );
  out.push("", "✗ marks a field below the goal of its split.");
  return out.join("\n") + "\n";
}

import type { FieldName } from "@docsift/core";
import type { Candidate } from "../candidates/extract.js";
import type { LabelledLine } from "../render/pages.js";

import { FIELD_KIND } from "../candidates/field-kinds.js";

export { FIELD_KIND };

/** The field a candidate is an occurrence of, from the truth spans of its line; undefined = none. */
export function labelCandidate(c: Candidate): FieldName | undefined {
  const spans = (c.line as Partial<LabelledLine>).spans ?? [];
  for (const s of spans) {
    if (FIELD_KIND[s.field] !== c.kind) continue;
    const overlap = Math.min(s.end, c.end) - Math.max(s.start, c.start);
    if (overlap <= 0) continue;
    if (overlap / Math.max(s.end - s.start, c.end - c.start) >= 0.6) return s.field;
  }
  return undefined;
}

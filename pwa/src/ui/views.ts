import type {
  ExtractedField,
  JobResult,
  JobView,
  LineItem,
  LineItemFieldName,
  ResultFieldName,
  ReviewReason,
  ReviewedResult,
} from "@docsift/core";
import type { KnownJob } from "../status/store.js";
import type { UploadItem } from "../uploads.js";
import { formatBytes } from "../validate.js";
import { h, formatTime } from "./dom.js";
import { displayValue, lineItemValue } from "./field-values.js";
import {
  DOCUMENT_TYPE_LABELS,
  ERROR_ADVICE,
  FIELD_LABELS,
  LINE_ITEM_LABELS,
  STATUS_LABELS,
  STRUCTURED_FIELD_LABELS,
} from "./labels.js";

// Rounded down: a value flagged below the 90 % review bar must not read "90%".
const percent = (x: number): string => `${Math.floor(x * 100 + 1e-9)}%`;
const STAGES = {
  download: "fetching the document",
  extract: "reading the text",
  infer: "finding the fields",
} as const;

export function statusBadge(status: KnownJob["status"]): HTMLElement {
  return h("span", { class: `badge status-${status.toLowerCase()}` }, STATUS_LABELS[status]);
}

/** "Now reading the text (page 40 of 900)", or "(40 pages done)" where the count is not known. */
export function progressText(job: Pick<KnownJob, "status" | "progress">): string {
  if (job.status !== "PROCESSING" || !job.progress) return "";
  const { pagesDone, pagesTotal } = job.progress;
  const pages =
    pagesDone === undefined
      ? ""
      : pagesTotal !== undefined
        ? ` (page ${Math.min(pagesDone, pagesTotal)} of ${pagesTotal})`
        : ` (${pagesDone} page${pagesDone === 1 ? "" : "s"} done)`;
  return `Now ${STAGES[job.progress.stage]}${pages}`;
}

// ---- uploads -------------------------------------------------------------------------------

const UPLOAD_STATE_TEXT: Record<UploadItem["state"], string> = {
  creating: "Starting…",
  uploading: "Uploading…",
  submitting: "Submitting…",
  done: "Uploaded and submitted",
  failed: "Upload failed",
  cancelled: "Cancelled",
  waiting: "Waiting for the network",
};

export interface UploadActions {
  cancel(id: string): void;
  retry(id: string): void;
  dismiss(id: string): void;
}

export function createUploadRow(item: UploadItem, actions: UploadActions): HTMLElement {
  const progressId = `progress-${item.id}`;
  return h(
    "li",
    { class: "upload" },
    h(
      "div",
      { class: "upload-head" },
      h("span", { class: "file-name" }, item.file.name),
      h("span", { class: "muted" }, formatBytes(item.file.size)),
    ),
    h("progress", {
      id: progressId,
      max: item.file.size,
      value: 0,
      "aria-label": `Upload of ${item.file.name}`,
    }),
    h(
      "div",
      { class: "upload-foot" },
      h("span", { class: "upload-state", role: "status" }),
      h("span", { class: "upload-percent muted", "aria-hidden": "true" }),
      h(
        "span",
        { class: "upload-actions" },
        h(
          "button",
          { type: "button", class: "secondary cancel", onclick: () => actions.cancel(item.id) },
          "Cancel",
        ),
        h(
          "button",
          { type: "button", class: "secondary retry", onclick: () => actions.retry(item.id) },
          "Retry",
        ),
        h("a", { class: "view-job", href: "#", "data-link": true }, "View job"),
        h(
          "button",
          {
            type: "button",
            class: "link dismiss",
            onclick: () => actions.dismiss(item.id),
            "aria-label": `Remove ${item.file.name} from this list`,
          },
          "Dismiss",
        ),
      ),
    ),
    h("p", { class: "upload-error" }),
  );
}

export function updateUploadRow(el: HTMLElement, item: UploadItem): void {
  const progress = el.querySelector("progress")!;
  // As an attribute, not only the property: assistive tech and tests observe the attribute.
  progress.setAttribute("value", String(item.state === "done" ? item.file.size : item.loaded));
  const state = el.querySelector<HTMLElement>(".upload-state")!;
  const text =
    UPLOAD_STATE_TEXT[item.state] +
    (item.retries && item.state === "uploading" ? ` (retried ${item.retries}×)` : "");
  if (state.textContent !== text) state.textContent = text;
  el.querySelector<HTMLElement>(".upload-percent")!.textContent =
    item.state === "uploading" ? percent(item.loaded / item.file.size) : "";
  el.dataset.state = item.state;
  const running = item.state === "creating" || item.state === "uploading" || item.state === "submitting";
  el.querySelector<HTMLButtonElement>(".cancel")!.hidden = !(running || item.state === "waiting");
  el.querySelector<HTMLButtonElement>(".retry")!.hidden = !(
    item.state === "failed" ||
    item.state === "cancelled" ||
    item.state === "waiting"
  );
  el.querySelector<HTMLButtonElement>(".dismiss")!.hidden = running;
  const link = el.querySelector<HTMLAnchorElement>(".view-job")!;
  link.hidden = !(item.state === "done" && item.jobId);
  if (item.jobId) link.href = `/jobs/${item.jobId}`;
  const error = el.querySelector<HTMLElement>(".upload-error")!;
  error.textContent = item.error ?? "";
  error.hidden = !item.error;
}

// ---- job list ------------------------------------------------------------------------------

export function createJobRow(job: KnownJob): HTMLElement {
  return h(
    "li",
    { class: "job" },
    h(
      "a",
      { class: "job-link", href: `/jobs/${job.id}`, "data-link": true },
      h("span", { class: "file-name" }),
      h(
        "span",
        { class: "badges" },
        h("span", { class: "badge" }),
        h(
          "span",
          { class: "review-badge", hidden: true },
          h("span", { "aria-hidden": "true" }, "⚠"),
          " Needs review",
        ),
      ),
    ),
    h("span", { class: "job-key muted" }),
    h("span", { class: "job-meta muted" }),
  );
}

/** "ACME GmbH · €1,234.50 · No. INV-7" from the reviewed result. */
function keyValues(job: KnownJob): string {
  const r = job.review;
  if (!r) return "";
  // The locale's format names the currency where it is known ("€1,234.50").
  const total = r.totalAmount
    ? displayValue("totalAmount", r.totalAmount, navigator.language, r.currency)
    : "";
  return [r.vendorName, total, r.invoiceNumber ? `No. ${r.invoiceNumber}` : ""].filter(Boolean).join(" · ");
}

export function updateJobRow(el: HTMLElement, job: KnownJob): void {
  const name = el.querySelector<HTMLElement>(".file-name")!;
  if (name.textContent !== job.fileName) name.textContent = job.fileName;
  const badge = el.querySelector<HTMLElement>(".badge")!;
  badge.className = `badge status-${job.status.toLowerCase()}`;
  if (badge.textContent !== STATUS_LABELS[job.status]) badge.textContent = STATUS_LABELS[job.status];
  el.dataset.status = job.status;
  const needsReview = job.status === "COMPLETED" && job.review?.needsReview === true;
  el.querySelector<HTMLElement>(".review-badge")!.hidden = !needsReview;
  el.dataset.needsReview = String(needsReview);
  const key = keyValues(job);
  const keyEl = el.querySelector<HTMLElement>(".job-key")!;
  if (keyEl.textContent !== key) keyEl.textContent = key;
  keyEl.hidden = !key;
  const meta = [
    formatTime(job.createdAt),
    job.sizeBytes > 1 ? formatBytes(job.sizeBytes) : "",
    progressText(job),
  ]
    .filter(Boolean)
    .join(" · ");
  el.querySelector<HTMLElement>(".job-meta")!.textContent = meta;
}

// ---- job detail ----------------------------------------------------------------------------

/** A value as the table shows it: the model's (ExtractedField) or a reviewed one, maybe a user's. */
type ShownField = Pick<ExtractedField, "value" | "needsReview" | "reviewReasons"> & {
  confidence?: number | undefined;
  page?: number | undefined;
  sourceText?: string | undefined;
  origin?: "model" | "user";
  modelValue?: string | undefined;
};

/**
 * The rows of `labels` (in its order) that `fields` has; `currency` formats the amounts. Null when
 * none has a value.
 */
function fieldsTable(
  fields: Partial<Record<ResultFieldName, ShownField>>,
  labels: Partial<Record<ResultFieldName, string>>,
  caption: string,
  locale: string,
  currency: string | undefined,
): HTMLElement | null {
  const rows = (Object.keys(labels) as ResultFieldName[]).filter((name) => fields[name]);
  if (!rows.length) return null;
  return h(
    "table",
    { class: "fields" },
    h("caption", { class: "visually-hidden" }, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Field", "Value", "Confidence", "Page", "Source text"].map((t) => h("th", { scope: "col" }, t)),
      ),
    ),
    h(
      "tbody",
      {},
      ...rows.map((name) => {
        const f = fields[name]!;
        return h(
          "tr",
          { "data-field": name },
          h("th", { scope: "row", "data-label": "Field" }, labels[name]),
          h(
            "td",
            { "data-label": "Value", class: "value" },
            valueElement(name, f.value, locale, currency),
            f.needsReview
              ? h(
                  "span",
                  { class: "review-badge", title: reviewText(f.reviewReasons) },
                  " ",
                  h("span", { "aria-hidden": "true" }, "⚠"),
                  " Check",
                  h("span", { class: "visually-hidden" }, `: ${reviewText(f.reviewReasons)}`),
                )
              : "",
          ),
          f.origin === "user" || f.confidence === undefined
            ? h(
                "td",
                { "data-label": "Confidence", class: "corrected" },
                f.modelValue ? `Corrected (the model read ${f.modelValue})` : "Entered by you",
              )
            : h(
                "td",
                { "data-label": "Confidence" },
                h("meter", {
                  min: 0,
                  max: 1,
                  low: 0.5,
                  high: 0.8,
                  optimum: 1,
                  value: f.confidence,
                  "aria-label": `Confidence ${percent(f.confidence)}`,
                }),
                " ",
                percent(f.confidence),
              ),
          h("td", { "data-label": "Page" }, f.page ?? ""),
          h(
            "td",
            { "data-label": "Source text", class: "source" },
            f.sourceText ? h("q", {}, f.sourceText) : "",
          ),
        );
      }),
    ),
  );
}

/** The value as the reader's locale writes it; the normalised one as the element's value and tooltip. */
function valueElement(name: ResultFieldName, value: string, locale: string, currency: string | undefined) {
  return dataElement(value, displayValue(name, value, locale, currency));
}

const dataElement = (value: string, shown: string) =>
  h("data", { value, ...(shown !== value ? { title: value } : {}) }, shown);

const NUMERIC_PARTS: ReadonlySet<LineItemFieldName> = new Set(["quantity", "unitPrice", "amount", "taxRate"]);
const LINE_ITEM_PARTS = Object.keys(LINE_ITEM_LABELS) as LineItemFieldName[];

/**
 * The invoice's lines twice: a table for wide screens and, on a phone, one card per line (the
 * stylesheet shows one of the two, so assistive tech meets only the one shown). A part the
 * document does not state is an empty cell, and left out of its card.
 */
function lineItemsSection(
  jobId: string,
  items: LineItem[],
  locale: string,
  currency: string | undefined,
): HTMLElement {
  const part = (item: LineItem, name: LineItemFieldName) => {
    const f = item[name];
    return f ? dataElement(f.value, lineItemValue(name, f.value, locale, currency)) : "";
  };
  const count = `${items.length} line${items.length === 1 ? "" : "s"}`;
  return h(
    "section",
    { "aria-labelledby": "line-items-h", class: "line-items" },
    h("h2", { id: "line-items-h" }, "Line items"),
    h(
      "table",
      { class: "line-items-table" },
      h("caption", {}, `${count}${currency ? `, amounts in ${currency}` : ""}`),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...LINE_ITEM_PARTS.map((name) =>
            h(
              "th",
              { scope: "col", class: NUMERIC_PARTS.has(name) ? "num" : undefined },
              LINE_ITEM_LABELS[name],
            ),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        ...items.map((item) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, part(item, "description")),
            ...LINE_ITEM_PARTS.filter((name) => name !== "description").map((name) =>
              h(
                "td",
                { "data-part": name, class: NUMERIC_PARTS.has(name) ? "num" : undefined },
                part(item, name),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      "ul",
      { class: "line-item-cards", "aria-label": `Line items, ${count}` },
      ...items.map((item, i) =>
        h(
          "li",
          { class: "line-item-card" },
          h(
            "p",
            { class: "line-item-description" },
            item.description ? part(item, "description") : `Line ${i + 1}`,
          ),
          h(
            "dl",
            {},
            ...LINE_ITEM_PARTS.filter((name) => name !== "description" && item[name]).flatMap((name) => [
              h("dt", {}, LINE_ITEM_LABELS[name]),
              h("dd", { "data-part": name }, part(item, name)),
            ]),
          ),
        ),
      ),
    ),
    h(
      "p",
      {},
      h(
        "a",
        {
          href: `/api/jobs/${encodeURIComponent(jobId)}/result?format=csv&part=line-items`,
          download: "",
          class: "button secondary line-items-csv",
        },
        "Download the line items (CSV)",
      ),
    ),
  );
}

const fromEInvoice = (result: JobResult) => result.source === "e-invoice";

/** The fields beyond the model's eleven (e-invoices give them), under their own heading. */
function moreFields(result: JobResult, locale: string, currency: string | undefined): HTMLElement[] {
  const table = fieldsTable(
    result.fields,
    STRUCTURED_FIELD_LABELS,
    "Parties, payment and delivery, with page and the text they were read from",
    locale,
    currency,
  );
  return table ? [h("h3", { id: "more-fields-h" }, "Parties, payment and delivery"), table] : [];
}

const REVIEW_REASON_TEXT: Record<ReviewReason, string> = {
  "low-confidence": "the model is not sure of this value",
  inconsistent: "subtotal, tax and total do not add up",
  "ambiguous-date": "the document does not tell whether the day or the month comes first",
  "e-invoice-mismatch": "the printed invoice does not show the value its e-invoice data states",
};

const reviewText = (reasons: ReviewReason[] | undefined): string =>
  reasons?.length ? reasons.map((r) => REVIEW_REASON_TEXT[r]).join("; ") : "check this value";

export interface DetailActions {
  delete(jobId: string): void;
  retry(jobId: string): void;
}

/**
 * `reviewed`: the result with the user's corrections applied, once read; until then (and for a
 * result nobody changed) the table shows the model's values.
 */
export function jobDetail(
  job: KnownJob | JobView,
  actions: DetailActions,
  reviewed?: ReviewedResult,
): HTMLElement {
  const view = h("article", { class: "detail", "data-status": job.status });
  view.append(
    h("p", {}, h("a", { href: "/", "data-link": true, class: "back" }, "← All jobs")),
    h("h1", { tabindex: -1, class: "file-name" }, job.fileName),
    h(
      "p",
      { class: "detail-status" },
      statusBadge(job.status),
      " ",
      h("span", { class: "muted" }, progressText(job)),
    ),
  );
  const result = job.result;
  if (job.status === "COMPLETED" && result) {
    const shown: Partial<Record<ResultFieldName, ShownField>> = reviewed?.fields ?? result.fields;
    const currency = shown.currency?.value;
    view.append(
      h(
        "section",
        { "aria-labelledby": "fields-h", class: "result" },
        h("h2", { id: "fields-h" }, "Extracted fields"),
        h(
          "p",
          { class: "summary" },
          h("strong", {}, DOCUMENT_TYPE_LABELS[result.documentType]),
          ` (${percent(result.documentTypeConfidence)} confidence) · ${result.pages} page${result.pages === 1 ? "" : "s"}`,
          result.ocrPages ? ` (${result.ocrPages} read by OCR)` : "",
          ` · ${result.characters.toLocaleString()} characters`,
          fromEInvoice(result) ? " " : "",
          fromEInvoice(result) ? h("span", { class: "badge source-badge" }, "Read from the e-invoice") : "",
        ),
        // After a review the note follows the reviewed state, not the model's first reading.
        (reviewed?.needsReview ?? job.review?.needsReview ?? result.needsReview)
          ? h(
              "p",
              { class: "review-note", role: "note" },
              "Some values need a check before you rely on them: they are marked “Check”.",
            )
          : "",
        h(
          "p",
          { class: "review-link" },
          h(
            "a",
            { href: `/jobs/${job.id}/review`, "data-link": true, class: "button" },
            job.review?.needsReview ? "Review and correct the values" : "Correct or confirm the values",
          ),
          job.review?.revision
            ? h(
                "span",
                { class: "muted small reviewed-note" },
                reviewed
                  ? ` Reviewed (revision ${reviewed.revision}): corrections shown, the model's reading kept.`
                  : ` Reviewed (revision ${job.review.revision}): loading the corrections…`,
              )
            : "",
        ),
        fieldsTable(
          shown,
          FIELD_LABELS,
          fromEInvoice(result)
            ? "Fields read from the e-invoice, with page and the text they were read from"
            : "Extracted fields with confidence, page and the text they were read from",
          navigator.language,
          currency,
        ) ?? h("p", {}, "No fields were found in this document."),
        // Not part of a review (it covers the model's fields), so always the values as read.
        ...moreFields(result, navigator.language, currency),
        result.lineItems?.length
          ? lineItemsSection(job.id, result.lineItems, navigator.language, currency)
          : "",
        h(
          "p",
          { class: "muted small" },
          // An e-invoice's values come from its XML: no model read them.
          fromEInvoice(result)
            ? `Read from the e-invoice's XML in ${(result.timings.totalMs / 1000).toFixed(1)} s`
            : `Model ${result.model.name} ${result.model.version} · processed in ${(result.timings.totalMs / 1000).toFixed(1)} s`,
        ),
      ),
    );
  } else if (job.status === "COMPLETED") {
    view.append(h("p", { class: "muted" }, "Loading the result…"));
  }
  if (job.status === "FAILED") {
    const code = job.error?.code;
    view.append(
      h(
        "section",
        { class: "failure", "aria-labelledby": "failure-h" },
        h("h2", { id: "failure-h" }, "Why it failed"),
        h("p", { class: "reason" }, job.error?.message ?? "The document could not be processed."),
        h("h3", {}, "What you can do"),
        h("p", { class: "advice" }, code ? ERROR_ADVICE[code] : "Upload the document again."),
        // Offered only where the API says a retry can succeed: never for a damaged or unsupported file.
        job.retryable
          ? h(
              "p",
              {},
              h(
                "button",
                { type: "button", class: "retry-job", onclick: () => actions.retry(job.id) },
                "Retry",
              ),
            )
          : null,
        code ? h("p", { class: "muted small" }, `Error code ${code} · job ${job.id}`) : null,
      ),
    );
  }
  if (job.status === "EXPIRED")
    view.append(
      h(
        "section",
        { class: "failure" },
        h("h2", {}, "The upload did not finish in time"),
        h("p", {}, "Upload the document again."),
      ),
    );
  if (job.history?.length)
    view.append(
      h(
        "section",
        { "aria-labelledby": "history-h" },
        h("h2", { id: "history-h" }, "History"),
        h(
          "ol",
          { class: "history" },
          ...job.history.map((e) =>
            h(
              "li",
              {},
              h("time", { datetime: e.at }, formatTime(e.at)),
              ` ${STATUS_LABELS[e.to]}`,
              e.reason ? ` — ${e.reason}` : "",
            ),
          ),
        ),
      ),
    );
  view.append(
    h(
      "p",
      { class: "detail-actions" },
      h(
        "button",
        { type: "button", class: "danger", onclick: () => actions.delete(job.id) },
        "Delete job and document",
      ),
    ),
  );
  return view;
}

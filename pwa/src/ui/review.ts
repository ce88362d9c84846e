import type { FieldName, ReviewedResult } from "@docsift/core";
import { h } from "./dom.js";
import { FIELD_LABELS } from "./labels.js";

// From the labels (exhaustive by type), not from @docsift/core: importing a value from core's
// root would bring its schemas and zod into the app's bundle.
const FIELD_NAMES = Object.keys(FIELD_LABELS) as FieldName[];

/** What the review form can ask of the page. */
export interface ReviewActions {
  /** Saves the edited values (null: not in the document); resolves to field errors, if any. */
  save(fields: Partial<Record<FieldName, string | null>>): Promise<void>;
  confirm(fields: FieldName[] | undefined): Promise<void>;
}

const HINTS: Partial<Record<FieldName, string>> = {
  invoiceDate: "YYYY-MM-DD",
  dueDate: "YYYY-MM-DD",
  subtotal: "a number, e.g. 1234.50",
  taxAmount: "a number, e.g. 1234.50",
  totalAmount: "a number, e.g. 1234.50",
  currency: "ISO code, e.g. EUR",
  iban: "checked by its check digits",
};

/**
 * The review form: fields needing review first, then the other values, then the fields with no
 * value (to add one). Every field has its input, the page and text it was read from beside it,
 * and its own Confirm and Not in document buttons; Save sends every edited value at once. Plain
 * form controls in reading order, so it is used with the keyboard alone (Tab, Enter, Space).
 */
export function reviewForm(result: ReviewedResult, actions: ReviewActions): HTMLElement {
  const present = FIELD_NAMES.filter((f) => result.fields[f]);
  const order = [
    ...present.filter((f) => result.fields[f]!.needsReview),
    ...present.filter((f) => !result.fields[f]!.needsReview),
    ...FIELD_NAMES.filter((f) => !result.fields[f]),
  ];
  const status = h("p", { class: "review-status", role: "status", "aria-live": "polite" });
  const form = h("form", { class: "review-form", novalidate: true });
  const inputs = new Map<FieldName, HTMLInputElement>();

  const rows = order.map((name) => {
    const f = result.fields[name];
    const id = `review-${name}`;
    const errorId = `${id}-error`;
    const input = h("input", {
      id,
      name,
      type: "text",
      value: f?.value ?? "",
      autocomplete: "off",
      "aria-describedby": `${id}-source ${errorId}`,
      ...(HINTS[name] ? { placeholder: HINTS[name] } : {}),
    });
    input.defaultValue = f?.value ?? "";
    inputs.set(name, input);
    const state = f?.needsReview
      ? h("span", { class: "review-badge" }, h("span", { "aria-hidden": "true" }, "⚠"), " Check")
      : f?.reviewed
        ? h("span", { class: "reviewed-badge" }, "✓ Reviewed")
        : result.absent.includes(name)
          ? h("span", { class: "muted" }, "Marked not in document")
          : "";
    const source = f?.sourceText
      ? h(
          "span",
          { id: `${id}-source`, class: "review-source" },
          `Page ${f.page}: `,
          h("q", {}, f.sourceText),
          f.modelValue ? ` · the model read ${f.modelValue}` : "",
        )
      : h("span", { id: `${id}-source`, class: "review-source muted" }, f ? "Entered by hand" : "Not found");
    return h(
      "li",
      { class: "review-field", "data-field": name, "data-needs-review": String(Boolean(f?.needsReview)) },
      h("label", { for: id }, FIELD_LABELS[name], " ", state),
      input,
      source,
      h("span", { id: errorId, class: "field-error", role: "alert" }),
      h(
        "span",
        { class: "review-field-actions" },
        f && !f.reviewed
          ? h(
              "button",
              {
                type: "button",
                class: "secondary confirm-field",
                "aria-label": `Confirm ${FIELD_LABELS[name]}`,
                onclick: () => void run(() => actions.confirm([name])),
              },
              "Confirm",
            )
          : "",
        f
          ? h(
              "button",
              {
                type: "button",
                class: "secondary absent-field",
                "aria-label": `${FIELD_LABELS[name]} is not in the document`,
                onclick: () => void run(() => actions.save({ [name]: null })),
              },
              "Not in document",
            )
          : "",
      ),
    );
  });

  async function run(task: () => Promise<void>): Promise<void> {
    for (const el of form.querySelectorAll<HTMLElement>(".field-error")) el.textContent = "";
    status.textContent = "Saving…";
    form.setAttribute("aria-busy", "true");
    try {
      await task();
    } catch (err) {
      const errors = (err as { fieldErrors?: Array<{ field: string; message: string }> }).fieldErrors ?? [];
      let first: HTMLInputElement | undefined;
      for (const e of errors) {
        const name = e.field.replace(/^fields\./, "") as FieldName;
        const input = inputs.get(name);
        if (!input) continue;
        form.querySelector<HTMLElement>(`#review-${name}-error`)!.textContent =
          `${FIELD_LABELS[name]} ${e.message}`;
        input.setAttribute("aria-invalid", "true");
        first ??= input;
      }
      status.textContent = errors.length
        ? "Some values were not saved: see the fields marked."
        : (err as Error).message;
      first?.focus();
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const changes: Partial<Record<FieldName, string | null>> = {};
    for (const [name, input] of inputs) {
      if (input.value === input.defaultValue) continue;
      // Emptying a value that was there says it is not in the document.
      if (!input.value.trim()) {
        if (result.fields[name]) changes[name] = null;
        continue;
      }
      changes[name] = input.value;
    }
    if (!Object.keys(changes).length) {
      status.textContent = "Nothing changed.";
      return;
    }
    void run(() => actions.save(changes));
  });

  form.append(
    h("ul", { class: "review-fields" }, ...rows),
    h(
      "p",
      { class: "review-actions" },
      h("button", { type: "submit", class: "save" }, "Save changes"),
      " ",
      h(
        "button",
        {
          type: "button",
          class: "secondary confirm-all",
          onclick: () => void run(() => actions.confirm(undefined)),
        },
        "Confirm all values",
      ),
    ),
    status,
  );
  const needing = result.fieldsNeedingReview.length;
  return h(
    "section",
    { class: "review", "aria-labelledby": "review-h" },
    h("h2", { id: "review-h" }, "Review the values"),
    h(
      "p",
      { class: "review-summary" },
      needing
        ? `${needing} value${needing === 1 ? "" : "s"} need${needing === 1 ? "s" : ""} a check; they come first.`
        : result.confirmed
          ? `Confirmed by ${result.confirmed.by}.`
          : result.needsReview
            ? "The document type is uncertain: confirm the values if they are right."
            : "No value needs a check.",
      result.revision ? ` Revision ${result.revision}; the model's reading is kept.` : "",
    ),
    form,
  );
}

// HTML/CSS document templates in the style of widely used open invoice templates, printed to PDF
// by Chromium. Each template lays out the same content (built by `buildContent`) its own way.
import type { DocumentType } from "@docsift/core";
import type { Prng } from "../generator/prng.js";
import {
  escapeHtml as h,
  formatDate,
  formatMoney,
  groupIban,
  Printed,
  type LocaleProfile,
  type Party,
  type Scenario,
} from "./data.js";
import { NUMBER_LABELS, TITLES, WORDINGS, type LabelKey } from "./labels.js";

export const HTML_TEMPLATES = [
  "simple-table",
  "bootstrap-2col",
  "tax-invoice",
  "saas-minimal",
  "din-letter",
] as const;
export type HtmlTemplate = (typeof HTML_TEMPLATES)[number];

/** Which locales each template is drawn with (the tax invoice is an English-language form). */
export const TEMPLATE_PROFILES: Record<HtmlTemplate, readonly string[]> = {
  "simple-table": ["en-US", "en-GB", "en-JP", "en-SE", "de-DE", "fr-FR", "es-ES", "nl-NL", "it-IT", "de-CH"],
  "bootstrap-2col": ["en-US", "en-GB", "en-MY", "en-PL", "de-AT", "fr-CH", "es-ES", "nl-BE", "it-IT"],
  "tax-invoice": ["en-IN", "en-IN", "en-MY", "en-GB", "en-JP"],
  "saas-minimal": ["en-US", "en-GB", "en-SE", "de-DE", "fr-FR", "nl-NL", "es-ES", "it-IT", "en-PL"],
  "din-letter": ["de-DE", "de-AT", "de-CH", "fr-FR", "fr-CH", "nl-NL", "it-IT", "es-ES", "en-GB"],
};

interface Row {
  label: string;
  value: string;
  strong?: boolean;
  /** The row that carries taxAmount. */
  tax?: boolean;
}

interface Content {
  title: string;
  issuer: Party;
  issuerName: string;
  recipient: Party;
  recipientName: string;
  recipientLabel: string;
  issuerLabel: string;
  meta: Row[];
  prices: boolean;
  head: { desc: string; qty: string; unit: string; amount: string };
  lines: { desc: string; qty: string; unit: string; amount: string }[];
  totals: Row[];
  /** The sentence or block that carries the IBAN, if any. */
  payment?: string;
  notes: string[];
  /** The printed total with its currency (for templates that repeat it in a headline). */
  totalText?: string;
}

const PAYMENT_TYPES: readonly DocumentType[] = ["invoice", "receipt", "credit_note", "purchase_order"];

function buildContent(s: Scenario, rng: Prng, P: Printed, opts: { currencyOnLines: boolean }): Content {
  const p = s.profile;
  const W = WORDINGS[p.lang];
  const w = (k: LabelKey): string => rng.pick(W[k]);
  const title = rng.pick(TITLES[p.lang][s.docType]);
  const po = s.docType === "purchase_order";
  // The party printed on top issues the document: the buyer on a purchase order, else the seller.
  const issuer = po ? s.customer : s.vendor;
  const recipient = po ? s.vendor : s.customer;
  const issuerName = po ? P.customer() : P.vendor();
  const recipientName = po ? P.vendor() : P.customer();
  const recipientLabel = s.docType === "delivery_note" ? w("shipTo") : po ? w("supplier") : w("billTo");

  const meta: Row[] = [];
  const numberLabel =
    s.docType === "invoice" ? w("number") : (NUMBER_LABELS[p.lang][s.docType] ?? w("number"));
  meta.push({ label: numberLabel, value: P.number(po ? "purchaseOrderNumber" : "invoiceNumber") });
  meta.push({
    label: s.docType === "delivery_note" ? w("delivered") : w("date"),
    value: P.date(s.issue, "invoiceDate"),
  });
  if (s.due && (s.docType === "invoice" || s.docType === "quote")) {
    meta.push({ label: s.docType === "quote" ? w("validUntil") : w("due"), value: P.date(s.due, "dueDate") });
  }
  if (s.docType === "credit_note" && s.ref) meta.push({ label: w("creditFor"), value: s.ref });
  if (s.po && !po && s.docType !== "statement") meta.push({ label: w("yourOrder"), value: P.po() });

  const cur = opts.currencyOnLines;
  const prices = s.docType !== "delivery_note";
  const head = { desc: w("description"), qty: w("qty"), unit: w("unitPrice"), amount: w("amount") };
  let lines: Content["lines"];
  if (s.docType === "statement") {
    // A statement lists earlier invoices instead of goods.
    let day = -60;
    lines = s.items.map((it, i) => {
      day += 9 + i * 3;
      const d = new Date(Date.UTC(s.issue.y, s.issue.m - 1, s.issue.d) + day * 86_400_000);
      const ref = `${TITLES[p.lang].invoice[0]} ${s.ref}-${i + 1} (${formatDate({ y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() }, p, 0)})`;
      return { desc: ref, qty: "", unit: "", amount: formatMoney(it.amount, p, s.currencyAsCode) };
    });
    head.qty = "";
    head.unit = "";
  } else {
    lines = s.items.map((it) => ({
      desc: it.description,
      qty: String(it.quantity),
      unit: prices ? P.money(it.unit, undefined, cur) : "",
      amount: prices ? P.money(it.amount, undefined, cur) : "",
    }));
  }

  const totals: Row[] = [];
  const rate = `${String(s.taxRate).replace(".", p.decimal)}%`;
  let totalText: string | undefined;
  if (s.docType === "statement") {
    totals.push({ label: w("balance"), value: P.money(s.subtotal, undefined, true), strong: true });
  } else if (prices) {
    const taxLabel = `${w("tax")} ${rate}`;
    if (!s.taxInclusive) {
      totals.push({ label: w("subtotal"), value: P.money(s.subtotal, "subtotal", cur || rng.chance(0.4)) });
      if (s.taxRate > 0 || rng.chance(0.6))
        totals.push({ label: taxLabel, value: P.money(s.tax, "taxAmount", cur), tax: true });
      totalText = P.money(s.total, "totalAmount", true);
      totals.push({
        label: s.docType === "invoice" && rng.chance(0.3) ? w("amountDue") : w("total"),
        value: totalText,
        strong: true,
      });
    } else {
      totalText = P.money(s.total, "totalAmount", true);
      totals.push({ label: w("total"), value: totalText, strong: true });
      if (s.taxRate > 0)
        totals.push({
          label: `${w("taxIncluded")} ${rate}`,
          value: P.money(s.tax, "taxAmount", cur),
          tax: true,
        });
    }
  }

  const notes: string[] = [];
  let payment: string | undefined;
  if (s.docType === "invoice" && s.iban) {
    if (rng.chance(0.5)) {
      const sentence = rng.pick(W.payment);
      const parts = sentence.split(/(\{amount\}|\{due\}|\{iban\}|\{number\})/);
      payment = parts
        .map((part) =>
          part === "{amount}"
            ? h(formatMoney(s.total, p, s.currencyAsCode))
            : part === "{due}"
              ? h(formatDate(s.due ?? s.issue, p, s.dateStyle))
              : part === "{iban}"
                ? h(P.iban(rng.chance(0.7)))
                : part === "{number}"
                  ? h(s.number)
                  : h(part),
        )
        .join("");
    } else {
      payment = `IBAN: ${h(P.iban(rng.chance(0.7)))}`;
    }
  } else if (s.iban && PAYMENT_TYPES.includes(s.docType) && rng.chance(0.3)) {
    payment = `IBAN ${h(groupIban(s.iban))}`;
  }
  if (s.docType === "receipt") notes.push(w("paid"));
  notes.push(w("thanks"));
  return {
    title,
    issuer,
    issuerName,
    recipient,
    recipientName,
    recipientLabel,
    issuerLabel: w("from"),
    meta,
    prices,
    head,
    lines,
    totals,
    payment,
    notes,
    totalText,
  };
}

const addressHtml = (name: string, party: Party, extra = true): string =>
  [h(name), ...party.lines.map(h), ...(extra && party.email ? [h(party.email)] : [])].join("<br>");

const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter((x) => /^[A-ZÀ-Ý]/.test(x))
    .slice(0, 2)
    .map((x) => x[0])
    .join("");

function page(css: string, body: string, lang: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><style>${css}</style></head><body>${body}</body></html>`;
}

// 1. The classic single-table "simple HTML invoice": logo cell, right-aligned meta, unlabelled parties.
function simpleTable(c: Content, s: Scenario, rng: Prng): string {
  const css = `
  body{font-family:'Helvetica Neue','Helvetica',Helvetica,Arial,sans-serif;color:#555;margin:0}
  .invoice-box{max-width:800px;margin:auto;padding:30px;border:1px solid #eee;box-shadow:0 0 10px rgba(0,0,0,.15);font-size:${rng.pick([14, 15, 16])}px;line-height:24px}
  .invoice-box table{width:100%;line-height:inherit;text-align:left;border-collapse:collapse}
  .invoice-box table td{padding:5px;vertical-align:top}
  .invoice-box table tr td:nth-child(2){text-align:right}
  .invoice-box table tr.top table td{padding-bottom:20px}
  .invoice-box table tr.top table td.title{font-size:45px;line-height:45px;color:#333}
  .logo{display:inline-block;width:90px;height:60px;line-height:60px;text-align:center;background:#${rng.pick(["2a6f97", "8d6a9f", "3f784c", "c0504d"])};color:#fff;font-size:28px;border-radius:6px}
  .invoice-box table tr.information table td{padding-bottom:40px}
  .invoice-box table tr.heading td{background:#eee;border-bottom:1px solid #ddd;font-weight:bold}
  .invoice-box table tr.details td{padding-bottom:20px}
  .invoice-box table tr.item td{border-bottom:1px solid #eee}
  .invoice-box table tr.item.last td{border-bottom:none}
  .invoice-box table tr.total td:nth-child(2){border-top:2px solid #eee;font-weight:bold}
  h1{font-size:22px;margin:0 0 10px;color:#333}`;
  const meta = [`<b>${h(c.title)}</b>`, ...c.meta.map((m) => `${h(m.label)}: ${h(m.value)}`)].join("<br>");
  const items = c.lines
    .map((l, i) => {
      const qty = l.qty && l.qty !== "1" ? ` (${h(l.qty)} &times; ${h(l.unit)})` : "";
      const right = c.prices ? h(l.amount) : h(l.qty);
      return `<tr class="item${i === c.lines.length - 1 ? " last" : ""}"><td>${h(l.desc)}${c.prices ? qty : ""}</td><td>${right}</td></tr>`;
    })
    .join("");
  const totals = c.totals
    .map(
      (t) =>
        `<tr class="total"><td></td><td>${t.strong ? "<b>" : ""}${h(t.label)}: ${h(t.value)}${t.strong ? "</b>" : ""}</td></tr>`,
    )
    .join("");
  const payment = c.payment
    ? `<tr class="details"><td colspan="2" style="text-align:left">${c.payment}</td></tr>`
    : "";
  const body = `<div class="invoice-box"><table>
  <tr class="top"><td colspan="2"><table><tr><td class="title"><span class="logo">${h(initials(c.issuerName))}</span></td><td>${meta}</td></tr></table></td></tr>
  <tr class="information"><td colspan="2"><table><tr><td>${addressHtml(c.issuerName, c.issuer)}</td><td>${addressHtml(c.recipientName, c.recipient)}</td></tr></table></td></tr>
  ${payment}
  <tr class="heading"><td>${h(c.head.desc)}</td><td>${h(c.prices ? c.head.amount : c.head.qty)}</td></tr>
  ${items}${totals}
  </table><p style="margin-top:30px">${c.notes.map(h).join("<br>")}</p></div>`;
  return page(css, body, s.profile.lang);
}

// 2. A Bootstrap-style two-column invoice: headline row, party columns (either order), condensed table.
function bootstrap(c: Content, s: Scenario, rng: Prng): string {
  const css = `
  body{font-family:'Segoe UI',Roboto,'DejaVu Sans Condensed',sans-serif;font-size:${rng.pick([12, 13, 14])}px;color:#212529;margin:24px 36px}
  .row{display:flex;justify-content:space-between;gap:24px}.col{flex:1}.text-right{text-align:right}
  h2{font-size:30px;font-weight:500;margin:0}h3{font-size:20px;font-weight:500;margin:8px 0}
  hr{border:0;border-top:1px solid #dee2e6;margin:16px 0}address{font-style:normal;line-height:1.5;margin-bottom:14px}
  .panel{border:1px solid #ddd;border-radius:4px;margin-top:18px}.panel-heading{background:#f5f5f5;padding:8px 14px;border-bottom:1px solid #ddd}
  .panel-title{font-size:16px;margin:0}.panel-body{padding:12px}
  table{width:100%;border-collapse:collapse}td{padding:5px}thead td{border-bottom:2px solid #333}
  .thick-line{border-top:2px solid #666}.no-line{border-top:none}.text-center{text-align:center}`;
  const partyLeftIsRecipient = rng.chance(0.6);
  const recipient = `<address><strong>${h(c.recipientLabel)}:</strong><br>${addressHtml(c.recipientName, c.recipient)}</address>`;
  const issuer = `<address><strong>${h(c.issuerLabel)}:</strong><br>${addressHtml(c.issuerName, c.issuer)}${c.issuer.taxId ? `<br>${h(c.issuer.taxId)}` : ""}</address>`;
  const [left, right] = partyLeftIsRecipient ? [recipient, issuer] : [issuer, recipient];
  const [first, ...rest] = c.meta;
  const metaHtml = rest.map((m) => `<strong>${h(m.label)}:</strong><br>${h(m.value)}<br><br>`).join("");
  const cols = c.prices ? 4 : 2;
  const rows = c.lines
    .map((l) =>
      c.prices
        ? `<tr><td>${h(l.desc)}</td><td class="text-center">${h(l.unit)}</td><td class="text-center">${h(l.qty)}</td><td class="text-right">${h(l.amount)}</td></tr>`
        : `<tr><td>${h(l.desc)}</td><td class="text-right">${h(l.qty)}</td></tr>`,
    )
    .join("");
  const totals = c.totals
    .map(
      (t, i) =>
        `<tr><td class="${i === 0 ? "thick-line" : "no-line"}" colspan="${cols - 2}"></td><td class="${i === 0 ? "thick-line" : "no-line"} text-center"><strong>${h(t.label)}</strong></td><td class="${i === 0 ? "thick-line" : "no-line"} text-right">${t.strong ? `<strong>${h(t.value)}</strong>` : h(t.value)}</td></tr>`,
    )
    .join("");
  const head = c.prices
    ? `<td><strong>${h(c.head.desc)}</strong></td><td class="text-center"><strong>${h(c.head.unit)}</strong></td><td class="text-center"><strong>${h(c.head.qty)}</strong></td><td class="text-right"><strong>${h(c.head.amount)}</strong></td>`
    : `<td><strong>${h(c.head.desc)}</strong></td><td class="text-right"><strong>${h(c.head.qty)}</strong></td>`;
  const body = `<div class="row"><div class="col"><h2>${h(c.title)}</h2></div><div class="col text-right"><h3>${h(first!.label)} ${h(first!.value)}</h3></div></div><hr>
  <div class="row"><div class="col">${left}</div><div class="col text-right">${right}</div></div>
  <div class="row"><div class="col">${c.payment ? `<address>${c.payment}</address>` : ""}</div><div class="col text-right">${metaHtml}</div></div>
  <div class="panel"><div class="panel-heading"><h3 class="panel-title"><strong>${h(c.head.desc)}</strong></h3></div><div class="panel-body">
  <table><thead><tr>${head}</tr></thead><tbody>${rows}${totals}</tbody></table></div></div>
  <p style="margin-top:24px;color:#6c757d">${c.notes.map(h).join(" ")}</p>`;
  return page(css, body, s.profile.lang);
}

// 3. A bordered "Tax Invoice" form (Indian/Malaysian style): seller with tax id, meta grid, HSN column, split tax lines.
function taxInvoice(c: Content, s: Scenario, rng: Prng): string {
  const css = `
  body{font-family:Arial,'Liberation Sans','DejaVu Sans',sans-serif;font-size:${rng.pick([10, 11])}px;margin:28px}
  .box{border:1px solid #000}.title{text-align:center;font-weight:bold;font-size:15px;padding:4px;border-bottom:1px solid #000;letter-spacing:1px}
  table{width:100%;border-collapse:collapse}td,th{border:1px solid #000;padding:3px 5px;vertical-align:top}
  th{font-weight:bold;background:#f2f2f2}.r{text-align:right}.c{text-align:center}.nob td{border:none}.small{font-size:9px;color:#333}`;
  const taxTitle =
    s.docType === "invoice" ? rng.pick(["TAX INVOICE", "Tax Invoice", "GST INVOICE"]) : c.title.toUpperCase();
  const idLabel =
    s.profile.id === "en-IN" ? "GSTIN/UIN" : s.profile.id === "en-MY" ? "SST Reg. No." : "Tax Reg. No.";
  const metaCells = c.meta.map(
    (m) => `<td><span class="small">${h(m.label)}</span><br><b>${h(m.value)}</b></td>`,
  );
  const metaRows: string[] = [];
  for (let i = 0; i < metaCells.length; i += 2)
    metaRows.push(`<tr>${metaCells[i]}${metaCells[i + 1] ?? "<td></td>"}</tr>`);
  const rows = c.lines
    .map(
      (l, i) =>
        `<tr><td class="c">${i + 1}</td><td>${h(l.desc)}</td><td class="c">${c.prices && s.docType !== "statement" ? 998300 + ((i * 37) % 97) : ""}</td><td class="r">${h(l.qty)}</td><td class="r">${h(l.unit)}</td><td class="r">${h(l.amount)}</td></tr>`,
    )
    .join("");
  // Split tax lines where the locale has them; the total tax row still carries taxAmount.
  const totals = [...c.totals];
  if (s.profile.id === "en-IN" && s.taxRate > 0 && c.prices && s.docType !== "statement") {
    const half = Math.floor(s.tax / 2);
    const rate = String(s.taxRate / 2);
    const at = totals.findIndex((t) => t.tax);
    const split: typeof totals = [
      { label: `CGST @ ${rate}%`, value: formatMoney(half, s.profile, false) },
      { label: `SGST @ ${rate}%`, value: formatMoney(s.tax - half, s.profile, false) },
    ];
    if (at >= 0) {
      totals[at] = { ...totals[at]!, label: "Total GST" };
      totals.splice(at, 0, ...split);
    }
  }
  const totalRows = totals
    .map(
      (t) =>
        `<tr><td></td><td class="r"${t.strong ? ' style="font-weight:bold"' : ""}>${h(t.label)}</td><td></td><td></td><td></td><td class="r"${t.strong ? ' style="font-weight:bold"' : ""}>${h(t.value)}</td></tr>`,
    )
    .join("");
  const body = `<div class="box"><div class="title">${h(taxTitle)}</div>
  <table class="nob"><tr><td style="width:55%;border-right:1px solid #000"><b>${h(c.issuerName)}</b><br>${c.issuer.lines.map(h).join("<br>")}${c.issuer.taxId ? `<br>${idLabel}: ${h(c.issuer.taxId)}` : ""}${c.issuer.email ? `<br>E-Mail: ${h(c.issuer.email)}` : ""}</td>
  <td style="padding:0"><table>${metaRows.join("")}</table></td></tr>
  <tr><td style="border-top:1px solid #000;border-right:1px solid #000"><span class="small">${h(c.recipientLabel)}</span><br><b>${h(c.recipientName)}</b><br>${c.recipient.lines.map(h).join("<br>")}${c.recipient.taxId && rng.chance(0.5) ? `<br>${idLabel}: ${h(c.recipient.taxId)}` : ""}</td><td style="border-top:1px solid #000"></td></tr></table>
  <table><thead><tr><th style="width:6%">Sl No.</th><th>${h(c.head.desc)}</th><th style="width:10%">HSN/SAC</th><th style="width:8%">${h(c.head.qty)}</th><th style="width:14%">${h(c.head.unit)}</th><th style="width:16%">${h(c.head.amount)}</th></tr></thead>
  <tbody>${rows}${totalRows}</tbody></table>
  ${c.payment ? `<div style="padding:6px;border-top:1px solid #000">Bank details: ${c.payment}</div>` : ""}
  <table class="nob"><tr><td style="width:60%"><span class="small">Declaration</span><br>We declare that this document shows the actual price of the goods described and that all particulars are true and correct.</td>
  <td class="r" style="border-left:1px solid #000">for ${h(c.issuerName)}<br><br><br>Authorised Signatory</td></tr></table></div>
  <p class="c small">This is a computer generated document.</p>`;
  return page(css, body, s.profile.lang);
}

// 4. A minimal SaaS-style invoice: key/value meta, "X due <date>" headline, "Amount due" total.
function saasMinimal(c: Content, s: Scenario, rng: Prng): string {
  const css = `
  body{font-family:-apple-system,'Inter','DejaVu Sans',sans-serif;font-size:${rng.pick([11, 12])}px;color:#1a1a1a;margin:48px 56px}
  .top{display:flex;justify-content:space-between;align-items:flex-start}h1{font-size:26px;margin:0 0 18px;font-weight:600}
  .mark{width:44px;height:44px;border-radius:50%;background:#635bff;color:#fff;text-align:center;line-height:44px;font-weight:600}
  dl{display:grid;grid-template-columns:130px auto;margin:0 0 26px;row-gap:3px}dt{color:#666}dd{margin:0}
  .parties{display:flex;gap:70px;margin-bottom:30px}.parties b{display:block;margin-bottom:3px}
  .headline{font-size:20px;font-weight:600;margin:0 0 28px}
  table{width:100%;border-collapse:collapse}th{text-align:left;color:#666;font-weight:400;border-bottom:1px solid #ccc;padding:6px 0}
  td{padding:7px 0}th.n,td.n{text-align:right}.sum td{border-top:1px solid #e6e6e6}.sum td:first-child{padding-left:50%}
  .strong td{font-weight:600}footer{margin-top:60px;color:#777;font-size:10px;border-top:1px solid #eee;padding-top:8px}`;
  const W = WORDINGS[s.profile.lang];
  const meta = c.meta.map((m) => `<dt>${h(m.label)}</dt><dd>${h(m.value)}</dd>`).join("");
  const showLabelForIssuer = rng.chance(0.4);
  const parties = `<div class="parties"><div>${showLabelForIssuer ? `<b>${h(c.issuerLabel)}</b>` : ""}<b>${h(c.issuerName)}</b>${c.issuer.lines.map(h).join("<br>")}${c.issuer.email ? `<br>${h(c.issuer.email)}` : ""}</div>
  <div><b>${h(c.recipientLabel)}</b>${h(c.recipientName)}<br>${c.recipient.lines.map(h).join("<br>")}${c.recipient.email ? `<br>${h(c.recipient.email)}` : ""}</div></div>`;
  const dueText =
    s.due && s.docType === "invoice"
      ? formatDate(s.due, s.profile, s.dateStyle === 0 ? 1 : s.dateStyle)
      : undefined;
  const headline =
    c.totalText && s.docType === "invoice"
      ? `<p class="headline">${h(c.totalText)}${dueText ? ` ${h(rng.pick(W.due).toLowerCase())} ${h(dueText)}` : ""}</p>`
      : "";
  const head = c.prices
    ? `<tr><th>${h(c.head.desc)}</th><th class="n">${h(c.head.qty)}</th><th class="n">${h(c.head.unit)}</th><th class="n">${h(c.head.amount)}</th></tr>`
    : `<tr><th>${h(c.head.desc)}</th><th class="n">${h(c.head.qty)}</th></tr>`;
  const rows = c.lines
    .map((l) =>
      c.prices
        ? `<tr><td>${h(l.desc)}</td><td class="n">${h(l.qty)}</td><td class="n">${h(l.unit)}</td><td class="n">${h(l.amount)}</td></tr>`
        : `<tr><td>${h(l.desc)}</td><td class="n">${h(l.qty)}</td></tr>`,
    )
    .join("");
  const totals = [...c.totals];
  if (s.docType === "invoice" && c.totalText && !totals.some((t) => t.label === W.amountDue[0])) {
    totals.push({ label: W.amountDue[0]!, value: c.totalText, strong: true });
  }
  const sums = c.prices
    ? `</table><table>${totals.map((t) => `<tr class="sum${t.strong ? " strong" : ""}"><td>${h(t.label)}</td><td class="n">${h(t.value)}</td></tr>`).join("")}`
    : "";
  const body = `<div class="top"><h1>${h(c.title)}</h1><div class="mark">${h(initials(c.issuerName).slice(0, 1))}</div></div>
  <dl>${meta}</dl>${parties}${headline}
  <table><thead>${head}</thead><tbody>${rows}</tbody>${sums}</table>
  ${c.payment ? `<p style="margin-top:26px">${c.payment}</p>` : ""}<p>${c.notes.map(h).join(" ")}</p>
  <footer>${h(c.meta[0]!.value)} &middot; ${h(W.page[0]!)}</footer>`;
  return page(css, body, s.profile.lang);
}

const SALUTATION: Record<string, readonly string[]> = {
  en: ["Dear Sir or Madam,", "Dear customer,"],
  de: ["Sehr geehrte Damen und Herren,", "Guten Tag,"],
  fr: ["Madame, Monsieur,", "Bonjour,"],
  es: ["Estimados señores:", "Estimado cliente:"],
  nl: ["Geachte heer/mevrouw,", "Beste klant,"],
  it: ["Gentili Signori,", "Gentile cliente,"],
};
const INTRO: Record<string, string> = {
  en: "we hereby charge you for the following goods and services:",
  de: "für unsere Leistungen erlauben wir uns, Ihnen Folgendes in Rechnung zu stellen:",
  fr: "veuillez trouver ci-dessous le détail de nos prestations :",
  es: "le detallamos a continuación los conceptos correspondientes:",
  nl: "hierbij ontvangt u het overzicht van onze leveringen:",
  it: "di seguito il dettaglio delle nostre prestazioni:",
};

// 5. A European business letter (DIN 5008 style): sender line over an address window, info block, footer columns.
function dinLetter(c: Content, s: Scenario, rng: Prng): string {
  const lang = s.profile.lang;
  const css = `
  @page{size:A4;margin:0}body{margin:0;font-family:${rng.pick(["Georgia,'DejaVu Serif',serif", "'Open Sans','DejaVu Sans',sans-serif", "Cambria,'DejaVu Serif Condensed',serif"])};font-size:${rng.pick([10, 10.5, 11])}pt;color:#111}
  .sheet{position:relative;width:210mm;height:296mm}
  .brand{position:absolute;top:14mm;right:20mm;text-align:right;font-size:16pt;font-weight:bold;color:#1f4e79}
  .sender{position:absolute;top:45mm;left:25mm;width:85mm;font-size:7pt;text-decoration:underline;color:#444}
  .window{position:absolute;top:50mm;left:25mm;width:85mm;line-height:1.35}
  .info{position:absolute;top:50mm;left:125mm;width:70mm;font-size:9pt}.info td{padding:1px 0}.info td:first-child{color:#555;padding-right:8px}
  .main{position:absolute;top:103mm;left:25mm;right:20mm}
  h1{font-size:14pt;margin:0 0 6mm}
  table.items{width:100%;border-collapse:collapse;margin:4mm 0}table.items th{border-bottom:1px solid #111;text-align:left;padding:2px 4px;font-weight:bold}
  table.items td{padding:2px 4px;border-bottom:0.5px solid #ccc}.n{text-align:right}
  table.sum{margin-left:auto;border-collapse:collapse}table.sum td{padding:2px 4px}table.sum tr.strong td{font-weight:bold;border-top:1px solid #111;border-bottom:3px double #111}
  .foot{position:absolute;bottom:12mm;left:25mm;right:20mm;display:flex;justify-content:space-between;font-size:7pt;color:#555;border-top:0.5px solid #999;padding-top:2mm}`;
  const senderLine = `${c.issuerName} · ${c.issuer.lines.join(" · ")}`;
  const info = c.meta.map((m) => `<tr><td>${h(m.label)}</td><td>${h(m.value)}</td></tr>`).join("");
  const head = c.prices
    ? `<tr><th>Pos.</th><th>${h(c.head.desc)}</th><th class="n">${h(c.head.qty)}</th><th class="n">${h(c.head.unit)}</th><th class="n">${h(c.head.amount)}</th></tr>`
    : `<tr><th>Pos.</th><th>${h(c.head.desc)}</th><th class="n">${h(c.head.qty)}</th></tr>`;
  const rows = c.lines
    .map((l, i) =>
      c.prices
        ? `<tr><td>${i + 1}</td><td>${h(l.desc)}</td><td class="n">${h(l.qty)}</td><td class="n">${h(l.unit)}</td><td class="n">${h(l.amount)}</td></tr>`
        : `<tr><td>${i + 1}</td><td>${h(l.desc)}</td><td class="n">${h(l.qty)}</td></tr>`,
    )
    .join("");
  const sums = c.totals
    .map(
      (t) =>
        `<tr class="${t.strong ? "strong" : ""}"><td>${h(t.label)}</td><td class="n">${h(t.value)}</td></tr>`,
    )
    .join("");
  const bankCol = c.payment && !c.payment.startsWith("IBAN") ? "" : (c.payment ?? "");
  const sentence = c.payment && !c.payment.startsWith("IBAN") ? `<p>${c.payment}</p>` : "";
  const showTitleNumber = rng.chance(0.4);
  const body = `<div class="sheet"><div class="brand">${h(c.issuerName)}</div>
  <div class="sender">${h(senderLine)}</div>
  <div class="window">${h(c.recipientName)}<br>${c.recipient.lines.map(h).join("<br>")}</div>
  <table class="info">${info}</table>
  <div class="main"><h1>${h(c.title)}${showTitleNumber ? ` ${h(c.meta[0]!.value)}` : ""}</h1>
  <p>${h(rng.pick(SALUTATION[lang]!))}<br>${h(INTRO[lang]!)}</p>
  <table class="items"><thead>${head}</thead><tbody>${rows}</tbody></table>
  ${sums ? `<table class="sum">${sums}</table>` : ""}${sentence}<p>${c.notes.map(h).join(" ")}</p></div>
  <div class="foot"><div>${h(c.issuerName)}<br>${c.issuer.lines.map(h).join("<br>")}</div><div>${bankCol}</div><div>${c.issuer.taxId ? h(c.issuer.taxId) : ""}${c.issuer.email ? `<br>${h(c.issuer.email)}` : ""}</div></div></div>`;
  return page(css, body, lang);
}

export interface HtmlDocument {
  template: HtmlTemplate;
  html: string;
  printed: Printed;
}

export function renderHtml(template: HtmlTemplate, s: Scenario, rng: Prng): HtmlDocument {
  const P = new Printed(s);
  const c = buildContent(s, rng, P, { currencyOnLines: template !== "tax-invoice" && rng.chance(0.5) });
  let html: string;
  switch (template) {
    case "simple-table":
      html = simpleTable(c, s, rng);
      break;
    case "bootstrap-2col":
      html = bootstrap(c, s, rng);
      break;
    case "tax-invoice":
      html = taxInvoice(c, s, rng);
      break;
    case "saas-minimal":
      html = saasMinimal(c, s, rng);
      break;
    case "din-letter":
      html = dinLetter(c, s, rng);
      break;
  }
  return { template, html, printed: P };
}

export type { LocaleProfile };

// Thermal till receipts: 40-48 monospaced columns in a narrow strip, merchant name in large type
// at the top, items with prices, totals, rounding, cash and change, a tax summary, thank-you lines.
import type { FieldName } from "@docsift/core";
import { PAGE_HEIGHT_PT, PAGE_WIDTH_PT, type SynthPage } from "../types.js";
import { buildAmounts } from "./amounts.js";
import { concat, fill, Layout, plain, rangeInt, textWidth, type Ctx, type Piece } from "./core.js";
import { formatNumber, formatRate } from "./format.js";
import { CURRENCY_MARKS } from "./locales.js";
import { addressLines, companyName, documentNumber, personName } from "./values.js";
import type { Lang } from "./words.js";

export const RECEIPT_MAX_COLUMNS = 48;

/** One receipt row: pieces at column positions. */
type Row = Array<{ col: number; piece: Piece }>;

export function buildReceipt(ctx: Ctx): SynthPage[] {
  const { rng, loc, rules, docType } = ctx;
  const cols = rng.int(40, RECEIPT_MAX_COLUMNS);
  const size = rangeInt(rng, rules.baseSize);
  const cw = (size * 0.5) / PAGE_WIDTH_PT;
  const stripW = cols * cw;
  const x0 = rng.chance(0.7) ? 0.5 - stripW / 2 : rng.pick([0.04, 0.06, 0.08]);
  const lh = (size * 1.3) / PAGE_HEIGHT_PT;
  const layout = new Layout();
  let y = rng.pick([0.03, 0.04, 0.05]);
  const up = (s: string): string => (rng.chance(rules.labelUpper) ? s.toUpperCase() : s);
  const w = (key: Parameters<Ctx["word"]>[0]): string => up(ctx.word(key));

  const emit = (row: Row): void => {
    if (y > 0.97 - lh) {
      layout.newPage(0.04);
      y = 0.04;
    }
    for (const { col, piece } of row) layout.add(piece, x0 + col * cw, y, size);
    y += lh;
  };
  const left = (p: Piece): Row => [{ col: 0, piece: p }];
  const center = (p: Piece): Row => [{ col: Math.max(0, Math.floor((cols - p.text.length) / 2)), piece: p }];
  const split = (l: Piece, r: Piece): Row => {
    // Item names are cut short as tills do, which also keeps them clear of the prices in proportional fonts.
    const room = r.text === "" ? cols : Math.min(cols - r.text.length - 1, cols - 18);
    const lp =
      l.text.length > room ? { text: l.text.slice(0, room), spans: l.spans.filter((s) => s.end <= room) } : l;
    return [
      { col: 0, piece: lp },
      { col: cols - r.text.length, piece: r },
    ];
  };
  const rule = (): void => emit(left(plain(rng.pick(["-", "=", "*"]).repeat(cols))));

  // Merchant block.
  const merchant = companyName(rng, loc, ctx.split);
  const upperName = rng.chance(0.7);
  const nameText = upperName ? merchant.legal.toUpperCase() : merchant.legal;
  // Truth is the name as printed (upper-case on most till receipts).
  const namePiece = ctx.mark("vendorName", nameText, nameText);
  let nameSize = rangeInt(rng, rules.brandSize);
  while (nameSize > size && textWidth(nameText, nameSize) > stripW) nameSize--;
  if (rng.chance(0.3)) {
    const brandSize = Math.min(nameSize + 4, 20);
    layout.addCenter(plain(merchant.brand.toUpperCase()), x0 + stripW / 2, y, brandSize, true);
    y += (brandSize * 1.4) / PAGE_HEIGHT_PT;
  }
  if (textWidth(nameText, nameSize) <= stripW) {
    layout.addCenter(namePiece, x0 + stripW / 2, y, nameSize, true);
    y += (nameSize * 1.4) / PAGE_HEIGHT_PT;
  } else emit(center(namePiece));
  const reg = `${rng.pick(loc.regLabels)} ${rng.int(100000, 9999999)}${loc.id === "en-MY" ? `-${rng.pick(["A", "K", "X", "M"])}` : ""}`;
  emit(center(plain(rng.chance(0.5) ? `(${reg})` : reg)));
  for (const a of addressLines(rng, loc)) emit(center(plain(up(a))));
  if (rng.chance(0.6))
    emit(center(plain(`TEL ${loc.phonePrefix} ${rng.int(10, 99)}-${rng.int(1000000, 9999999)}`)));
  if (rng.chance(0.5))
    emit(center(plain(`${ctx.taxWord} ID: ${loc.vatPrefix.trim()}${rng.int(10000000, 99999999)}`)));

  const title = docType === "receipt" && rng.chance(0.5) ? undefined : ctx.title().toUpperCase();
  if (title) {
    y += lh * 0.3;
    emit(center(plain(title)));
  }
  rule();

  // Number, date and time.
  const issueDate = new Date(Date.UTC(rng.int(2019, 2026), rng.int(0, 11), rng.int(1, 28)));
  const time = `${String(rng.int(7, 22)).padStart(2, "0")}:${String(rng.int(0, 59)).padStart(2, "0")}${rng.chance(0.4) ? `:${String(rng.int(0, 59)).padStart(2, "0")}` : ""}`;
  const number = documentNumber(rng, ["", "R", "T", "CS", "INV"], issueDate.getUTCFullYear());
  const numberField: FieldName | undefined = ctx.carries("invoiceNumber") ? "invoiceNumber" : undefined;
  const numberPiece = concat(plain(`${w("rcpt")}: `), ctx.mark(numberField, number, number));
  const datePiece = ctx.dateOf(issueDate, ctx.carries("invoiceDate") ? "invoiceDate" : undefined);
  if (rng.chance(0.5)) {
    emit(split(numberPiece, plain("")));
    emit(split(concat(plain(`${up(MISC[ctx.lang].date)}: `), datePiece), plain(time)));
  } else {
    emit(split(datePiece, plain(time)));
    emit(left(numberPiece));
  }
  if (rng.chance(0.5)) emit(left(plain(`${up(MISC[ctx.lang].cashier)}: ${rng.int(1, 40)}`)));
  if (rng.chance(0.1)) {
    const member = personName(rng, ctx.split);
    emit(left(concat(plain(`${up(MISC[ctx.lang].member)}: `), ctx.mark("customerName", member, member))));
  }
  rule();

  // Items.
  const marks = CURRENCY_MARKS[ctx.money.currency] ?? { decimals: 2, roundTo: 1, symbols: [] };
  const unit = marks.decimals === 0 ? 100 : 1;
  const nonZero = loc.taxRates.filter((r) => r > 0);
  const rates = nonZero.length > 1 && rng.chance(0.3) ? nonZero.slice(0, 2) : [rng.pick(nonZero)];
  const rounding = marks.roundTo > 1 && rng.chance(0.75);
  const a = buildAmounts(rng, {
    lineCount: rng.int(1, 14),
    items: loc.items.map((i) => (rng.chance(0.6) ? i.toUpperCase() : i)),
    units: ["x"],
    rates,
    unit,
    inclusive: loc.id !== "en-US" && rng.chance(0.65),
    discount: false,
    shipping: false,
    splitHalves: false,
    cashRoundTo: rounding ? marks.roundTo : 1,
    small: true,
  });
  const fmt = (c: number): string => formatNumber(c, ctx.money.number, ctx.money.decimals);
  const codeOf = (rate: number): string => String.fromCharCode(65 + rates.indexOf(rate));
  const priced = docType === "receipt" || docType === "quote" || rng.chance(0.3);
  for (const l of a.lines) {
    const code = rates.length > 1 || rng.chance(0.3) ? ` ${codeOf(l.rate)}` : "";
    if (l.qty > 1 && rng.chance(0.6)) {
      emit(left(plain(l.desc)));
      emit(split(plain(`  ${l.qty} x ${fmt(l.unitPrice)}`), plain(priced ? `${fmt(l.amount)}${code}` : "")));
    } else {
      const q = l.qty > 1 ? `${l.qty} ` : "";
      emit(split(plain(`${q}${l.desc}`), plain(priced ? `${fmt(l.amount)}${code}` : `${l.qty}`)));
    }
  }
  rule();

  // Totals.
  const kv = (label: string, value: Piece): void => emit(split(plain(label), value));
  const money = (c: number, field: FieldName | undefined, isTotal = false): Piece =>
    ctx.amount(c, field, isTotal);
  const single = a.taxes.length === 1;
  const rateSpaced = rng.chance(0.5);
  if (priced) {
    const totalLabel = (): Piece => {
      const t = w("rTotal");
      return t.includes("{cur}") ? fill(t, { cur: ctx.currencyMark() }) : plain(t);
    };
    if (!a.inclusive) {
      kv(up(ctx.word("subtotal")), money(a.net, "subtotal"));
      for (const t of a.taxes)
        kv(
          `${ctx.taxWord} ${formatRate(t.rate, ctx.money.number, rateSpaced)}`,
          money(t.tax, single ? "taxAmount" : undefined),
        );
      if (!single) kv(`${ctx.taxWord} TOTAL`, money(a.tax, "taxAmount"));
    }
    if (rounding && a.roundingAdj !== 0) {
      kv(up(MISC[ctx.lang].beforeRounding), money(a.total, undefined));
      kv(up(ctx.word("rounding")), plain(fmt(a.roundingAdj)));
    }
    const total = totalLabel();
    const totalValue = money(a.rounded, "totalAmount", true);
    emit([
      { col: 0, piece: total },
      { col: cols - totalValue.text.length, piece: totalValue },
    ]);
    if (docType === "receipt") {
      const paid =
        roundTo(a.rounded + rng.pick([0, 0, 500, 1000, 2000, 5000]) * (unit === 100 ? 100 : 1), 100 * unit) ||
        a.rounded;
      const cash = Math.max(paid, a.rounded);
      if (rng.chance(0.6)) {
        kv(w("cash"), plain(fmt(cash)));
        kv(w("change"), plain(fmt(cash - a.rounded)));
      } else kv(up(rng.pick(["VISA", "Mastercard", MISC[ctx.lang].card])), plain(fmt(a.rounded)));
    }
    // Tax summary (inclusive prices: net and tax per rate).
    if (a.inclusive || rng.chance(0.3)) {
      y += lh * 0.5;
      emit(left(plain(up(ctx.word("rTaxSummary")))));
      for (const t of a.taxes) {
        const netPart = a.inclusive ? t.base - t.tax : t.base;
        const onlyOne = single;
        emit([
          { col: 0, piece: plain(`${codeOf(t.rate)} ${formatRate(t.rate, ctx.money.number, rateSpaced)}`) },
          {
            col: Math.floor(cols / 2) - 4,
            piece: onlyOne ? ctx.mark("subtotal", norm(netPart), fmt(netPart)) : plain(fmt(netPart)),
          },
          {
            col: cols - fmt(t.tax).length,
            piece: onlyOne ? ctx.mark("taxAmount", norm(t.tax), fmt(t.tax)) : plain(fmt(t.tax)),
          },
        ]);
      }
    }
  }
  y += lh * 0.5;
  for (let i = 0, n = rng.int(1, 2); i < n; i++) emit(center(plain(up(ctx.word("rThanks")))));
  return layout.pages;
}

const roundTo = (c: number, unit: number): number => Math.ceil(c / unit) * unit;
const norm = (cents: number): string =>
  `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;

const MISC: Record<
  Lang,
  { date: string; cashier: string; member: string; card: string; beforeRounding: string }
> = {
  en: { date: "Date", cashier: "Cashier", member: "Member", card: "Card", beforeRounding: "Total Sales" },
  de: {
    date: "Datum",
    cashier: "Kasse",
    member: "Kunde",
    card: "EC-Karte",
    beforeRounding: "Summe vor Rundung",
  },
  fr: {
    date: "Date",
    cashier: "Caisse",
    member: "Client",
    card: "Carte bancaire",
    beforeRounding: "Total avant arrondi",
  },
  es: {
    date: "Fecha",
    cashier: "Caja",
    member: "Cliente",
    card: "Tarjeta",
    beforeRounding: "Total sin redondeo",
  },
  nl: {
    date: "Datum",
    cashier: "Kassa",
    member: "Klant",
    card: "PIN",
    beforeRounding: "Totaal voor afronding",
  },
  it: {
    date: "Data",
    cashier: "Cassa",
    member: "Cliente",
    card: "Bancomat",
    beforeRounding: "Totale prima arrot.",
  },
  pt: {
    date: "Data",
    cashier: "Operador",
    member: "Cliente",
    card: "Multibanco",
    beforeRounding: "Total s/ arred.",
  },
  pl: {
    date: "Data",
    cashier: "Kasjer",
    member: "Klient",
    card: "Karta",
    beforeRounding: "Suma przed zaokr.",
  },
};

// Exact amount arithmetic of a grammar document: line items, discount, shipping, per-rate tax
// rounding, tax-inclusive pricing and cash rounding. All amounts in cents (minor units x 100 for yen).
import type { Prng } from "../prng.js";
import { roundTo } from "./core.js";

export interface Line {
  desc: string;
  /** Optional second description line (article number, period, serial). */
  detail: string | undefined;
  qty: number;
  unit: string;
  /** Unit price as printed: net, or gross when prices include tax. */
  unitPrice: number;
  amount: number;
  rate: number;
}

export interface TaxPart {
  rate: number;
  base: number;
  tax: number;
  /** Split into two halves (India: CGST + SGST). */
  halves?: [number, number];
}

export interface Amounts {
  lines: Line[];
  inclusive: boolean;
  linesSum: number;
  discount: number;
  discountPct: number;
  shipping: number;
  /** Taxable base (net): subtotal in truth. */
  net: number;
  taxes: TaxPart[];
  tax: number;
  total: number;
  /** Cash rounding: amount actually payable, and the adjustment printed. */
  rounded: number;
  roundingAdj: number;
}

export interface AmountOptions {
  lineCount: number;
  items: string[];
  units: string[];
  rates: number[];
  /** Minor-unit step: 100 for currencies without decimals. */
  unit: number;
  inclusive: boolean;
  discount: boolean;
  shipping: boolean;
  splitHalves: boolean;
  cashRoundTo: number;
  /** Receipts: small prices. */
  small: boolean;
}

export function buildAmounts(rng: Prng, o: AmountOptions): Amounts {
  const multiRate = o.rates.length > 1;
  const lines: Line[] = [];
  for (let i = 0; i < o.lineCount; i++) {
    const qty = rng.chance(0.55) ? 1 : rng.int(2, o.small ? 4 : 24);
    const raw = o.small ? rng.int(50, 3500) : rng.chance(0.5) ? rng.int(100, 20000) : rng.int(1000, 250000);
    const unitPrice = Math.max(o.unit, roundTo(raw * (o.unit === 100 ? 100 : 1), o.unit));
    lines.push({
      desc: rng.pick(o.items),
      detail: rng.chance(0.2)
        ? `${rng.pick(["Art.", "SKU", "Ref.", "#"])} ${rng.int(10000, 99999)}`
        : undefined,
      qty,
      unit: rng.pick(o.units),
      unitPrice,
      amount: qty * unitPrice,
      rate: multiRate ? rng.pick(o.rates) : (o.rates[0] as number),
    });
  }
  const linesSum = lines.reduce((a, l) => a + l.amount, 0);
  const discountPct = o.discount && !multiRate ? rng.pick([2, 3, 5, 10]) : 0;
  const discount = roundTo(Math.round((linesSum * discountPct) / 100), o.unit);
  const shipping = o.shipping ? roundTo(rng.int(300, 3000) * (o.unit === 100 ? 100 : 1), o.unit) : 0;
  const mainRate = o.rates[0] as number;
  const byRate = new Map<number, number>();
  for (const l of lines) byRate.set(l.rate, (byRate.get(l.rate) ?? 0) + l.amount);
  if (discount !== 0 || shipping !== 0)
    byRate.set(mainRate, (byRate.get(mainRate) ?? 0) - discount + shipping);
  const rates = [...byRate.keys()].filter((r) => byRate.get(r) !== 0).sort((a, b) => b - a);
  const taxes: TaxPart[] = rates.map((rate) => {
    const base = byRate.get(rate) as number;
    if (o.splitHalves) {
      const half = o.inclusive
        ? roundTo(Math.round((base * rate) / (100 + rate) / 2), o.unit)
        : roundTo(Math.round((base * rate) / 200), o.unit);
      return { rate, base, tax: 2 * half, halves: [half, half] };
    }
    const tax = o.inclusive
      ? roundTo(Math.round((base * rate) / (100 + rate)), o.unit)
      : roundTo(Math.round((base * rate) / 100), o.unit);
    return { rate, base, tax };
  });
  const tax = taxes.reduce((a, t) => a + t.tax, 0);
  const gross = linesSum - discount + shipping;
  const net = o.inclusive ? gross - tax : gross;
  const total = o.inclusive ? gross : gross + tax;
  const rounded = o.cashRoundTo > 1 ? roundTo(total, o.cashRoundTo) : total;
  return {
    lines,
    inclusive: o.inclusive,
    linesSum,
    discount,
    discountPct,
    shipping,
    net,
    taxes,
    tax,
    total,
    rounded,
    roundingAdj: rounded - total,
  };
}

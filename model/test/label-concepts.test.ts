import { describe, expect, it } from "vitest";
import { conceptsOf } from "../src/features/label-concepts.js";

describe("label concepts: what a label means, whatever its language", () => {
  it.each([
    ["Invoice No.", ["number", "document"]],
    // "…nummer" compounds are left to the model: held-out wordings use them (see the module).
    ["Rechnungsnummer", ["document"]],
    ["N° de facture", ["number", "document"]],
    ["Número de factura", ["number", "document"]],
    ["Factuurdatum", ["document"]],
    ["Fecha de vencimiento", ["date", "due"]],
    ["Amount incl. VAT", ["tax", "included"]],
    ["Total TTC", ["total", "included"]],
    ["Nettobetrag", ["net"]],
    ["Zwischensumme", ["net"]],
    ["Bestellnummer", ["order"]],
    ["Gesamtsumme", ["total"]],
    ["Cliente:", ["customer"]],
    ["Lieferant", ["vendor"]],
  ])("%s → %j", (label, concepts) => {
    expect(conceptsOf(label)).toEqual(expect.arrayContaining(concepts));
    expect(conceptsOf(label)).toHaveLength(concepts.length);
  });

  it("gives nothing for words that are not labels", () => {
    expect(conceptsOf("Monteverde Software Limited")).toEqual([]);
    expect(conceptsOf("164 King Street")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { groupIntoLines } from "../src/layout/lines.js";
import { expandLigatures } from "../src/layout/ligatures.js";
import { XmlPageParser } from "../src/pdf/pdftohtml-xml.js";

describe("ligatures in a PDF's text", () => {
  it("are written out as their letters, and nothing else changes", () => {
    expect(expandLigatures("Copper\uFB01eld Logistics")).toBe("Copperfield Logistics");
    expect(expandLigatures("\uFB00 \uFB02 \uFB03 \uFB04 \uFB05")).toBe("ff fl ffi ffl st");
    expect(expandLigatures("m² ½ ２ …")).toBe("m² ½ ２ …");
  });

  it("reach neither reader's lines: poppler's XML and pdfjs's runs", () => {
    const parser = new XmlPageParser(1000);
    parser.write(
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<pdf2xml producer="poppler" version="23.02.0">\n` +
          `<page number="1" position="absolute" top="0" left="0" height="1263" width="892">\n` +
          `<text top="90" left="90" width="332" height="28">Copper\uFB01eld O\uFB03ce</text>\n</page>\n</pdf2xml>\n`,
      ),
    );
    parser.close();
    expect(parser.takePages()[0]?.lines[0]?.text).toBe("Copperfield Office");
    const lines = groupIntoLines([{ text: "Ba\uFB04e", x: 0.1, y: 0.1, width: 0.1, height: 0.01 }], 1);
    expect(lines[0]?.text).toBe("Baffle");
  });
});

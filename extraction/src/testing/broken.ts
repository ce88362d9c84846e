import { open, stat, truncate, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { StreamingZipWriter } from "./zip-writer.js";
import { writeDocx } from "./docx.js";

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
  "</Types>";

/**
 * A DOCX whose `word/document.xml` inflates to `uncompressedBytes` of repetitive paragraphs
 * (about 300 times its compressed size). Deflated by zlib while written, never held.
 */
export async function writeZipBombDocx(path: string, uncompressedBytes = 1024 * 1024 * 1024): Promise<void> {
  const prefix =
    '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const close = "</w:body></w:document>";
  const paragraph =
    "<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
  const block = Buffer.from(paragraph.repeat(Math.floor((1024 * 1024) / paragraph.length)));
  function* body(): Generator<Buffer> {
    yield Buffer.from(prefix);
    let written = prefix.length + close.length;
    while (written + block.length <= uncompressedBytes) {
      yield block;
      written += block.length;
    }
    yield Buffer.from(close);
  }
  const zip = new StreamingZipWriter(path);
  await zip.addDeflated("[Content_Types].xml", [Buffer.from(CONTENT_TYPES)]);
  await zip.addDeflated("word/document.xml", body(), 9);
  await zip.end();
}

/**
 * A minimal DOCX around hand-written WordprocessingML `<w:body>` content, for markup the `docx`
 * library does not produce (text boxes with fallbacks, tracked deletions, field codes).
 */
export async function writeDocxBodyXml(path: string, bodyXml: string): Promise<void> {
  const xml =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"' +
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"' +
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"' +
    ' xmlns:v="urn:schemas-microsoft-com:vml">' +
    `<w:body>${bodyXml}</w:body></w:document>`;
  const zip = new StreamingZipWriter(path);
  await zip.addDeflated("[Content_Types].xml", [Buffer.from(CONTENT_TYPES)]);
  await zip.addDeflated("word/document.xml", [Buffer.from(xml)]);
  await zip.end();
}

/** A valid DOCX cut to `keepFraction` of its bytes, as an interrupted upload leaves it. */
export async function writeTruncatedDocx(path: string, keepFraction = 0.6): Promise<void> {
  await writeDocx(path, ["This document was cut off in transit.", { table: [["a", "b"]] }]);
  const { size } = await stat(path);
  await truncate(path, Math.floor(size * keepFraction));
}

/** A ZIP (so it sniffs as DOCX) that holds no Word document. */
export async function writeNonWordZip(path: string): Promise<void> {
  const zip = new StreamingZipWriter(path);
  await zip.addDeflated("notes/readme.txt", [Buffer.from("just a note")]);
  await zip.end();
}

/** Starts like a PDF, then garbage: no objects, no cross-reference table, no trailer. */
export async function writeCorruptPdf(path: string): Promise<void> {
  await writeFile(
    path,
    Buffer.concat([
      Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
      randomBytes(20_000),
      Buffer.from("\n%%EOF\n"),
    ]),
  );
}

/** A valid PDF with its second half overwritten by zeros (an upload that lost data). */
export async function damagePdf(path: string): Promise<void> {
  const { size } = await stat(path);
  const handle = await open(path, "r+");
  try {
    await handle.write(
      Buffer.alloc(size - Math.floor(size / 2)),
      0,
      size - Math.floor(size / 2),
      Math.floor(size / 2),
    );
  } finally {
    await handle.close();
  }
}

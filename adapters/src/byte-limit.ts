import { Transform } from "node:stream";
import { DocsiftError } from "@docsift/core";

/** Passes bytes through and fails the stream as soon as more than `maxBytes` went by. */
export function byteLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > maxBytes) done(new DocsiftError("DOCUMENT_TOO_LARGE", `document exceeds ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
}

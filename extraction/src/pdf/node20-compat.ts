// pdfjs-dist 5.6 uses two built-ins that Node only ships from 22; on Node 20 they are added
// here with the standard semantics, and only when missing, so Node 22 keeps its own.

/** `Iterator.prototype.find`: pdfjs' range transport looks up pending readers with it. */
function polyfillIteratorFind(): void {
  const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([].keys())) as Record<
    string,
    unknown
  >;
  if (typeof iteratorPrototype["find"] === "function") return;
  Object.defineProperty(iteratorPrototype, "find", {
    configurable: true,
    writable: true,
    value: function find(
      this: Iterator<unknown>,
      predicate: (value: unknown, index: number) => unknown,
    ): unknown {
      let index = 0;
      for (let step = this.next(); !step.done; step = this.next()) {
        if (predicate(step.value, index++)) {
          this.return?.();
          return step.value;
        }
      }
      return undefined;
    },
  });
}

/** `ArrayBuffer.prototype.transferToFixedLength`: without it rendered pages come out blank. */
function polyfillTransferToFixedLength(): void {
  const proto = ArrayBuffer.prototype as unknown as Record<string, unknown>;
  if (typeof proto["transferToFixedLength"] === "function") return;
  Object.defineProperty(ArrayBuffer.prototype, "transferToFixedLength", {
    configurable: true,
    writable: true,
    value: function transferToFixedLength(this: ArrayBuffer, newLength?: number): ArrayBuffer {
      const length = newLength ?? this.byteLength;
      const copy = new ArrayBuffer(length);
      new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
      return copy;
    },
  });
}

export function ensurePdfjsBuiltins(): void {
  polyfillIteratorFind();
  polyfillTransferToFixedLength();
}

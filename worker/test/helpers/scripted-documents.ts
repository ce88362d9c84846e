import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { DocumentProperties, DocumentStore, UploadGrant } from "@docsift/core";

export type DownloadScript =
  { kind: "slow"; totalMs: number; sizeBytes: number } | { kind: "fail"; times: number; error: () => Error };

/**
 * The real blob store with a script for named blobs: a download that trickles in over a given
 * time (a slow network), or one that breaks the first N times (a dropped connection). Used
 * through startWorker's dependency seam; everything else goes to Azurite unchanged.
 */
export class ScriptedDocuments implements DocumentStore {
  private readonly scripts = new Map<string, DownloadScript>();
  readonly downloads = new Map<string, number>();

  constructor(private readonly real: DocumentStore) {}

  script(blobName: string, script: DownloadScript): void {
    this.scripts.set(blobName, script);
  }

  async download(container: string, blobName: string, options?: { ifMatch?: string }): Promise<Readable> {
    const count = (this.downloads.get(blobName) ?? 0) + 1;
    this.downloads.set(blobName, count);
    const script = this.scripts.get(blobName);
    if (script?.kind === "fail" && count <= script.times) throw script.error();
    const body = await this.real.download(container, blobName, options);
    if (script?.kind !== "slow") return body;
    const sliceBytes = Math.max(1, Math.ceil(script.sizeBytes / 20));
    const pauseMs = script.totalMs / Math.ceil(script.sizeBytes / sliceBytes);
    return Readable.from(
      (async function* () {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          for (let at = 0; at < chunk.length; at += sliceBytes) {
            await sleep(pauseMs);
            yield chunk.subarray(at, at + sliceBytes);
          }
        }
      })(),
    );
  }

  grantUpload(container: string, blobName: string, ttlMs: number): Promise<UploadGrant> {
    return this.real.grantUpload(container, blobName, ttlMs);
  }
  upload(
    container: string,
    blobName: string,
    body: Readable,
    options: { contentType: string; maxBytes: number },
  ) {
    return this.real.upload(container, blobName, body, options);
  }
  properties(container: string, blobName: string): Promise<DocumentProperties | undefined> {
    return this.real.properties(container, blobName);
  }
  revokeUploads(container: string, blobName: string, holder: string): Promise<void> {
    return this.real.revokeUploads(container, blobName, holder);
  }
  readHead(container: string, blobName: string, length: number): Promise<Buffer> {
    return this.real.readHead(container, blobName, length);
  }
  remove(container: string, blobName: string): Promise<void> {
    return this.real.remove(container, blobName);
  }
}

export const connectionReset = (): Error =>
  Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", name: "RestError" });

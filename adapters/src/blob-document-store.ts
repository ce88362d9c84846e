import type { Readable } from "node:stream";
import {
  BlobSASPermissions,
  BlobServiceClient,
  SASProtocol,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from "@azure/storage-blob";
import type { UserDelegationKey } from "@azure/storage-blob";
import { DocsiftError, MIB } from "@docsift/core";
import type { DocumentProperties, DocumentStore, ServiceConnection, UploadGrant } from "@docsift/core";
import { azureCredential } from "./credentials.js";
import { byteLimit } from "./byte-limit.js";

const MAX_SAS_TTL_MS = 15 * 60_000;
// SAS start times sit a little in the past so a client whose clock runs behind is not refused.
const CLOCK_SKEW_MS = 60_000;

export function createBlobServiceClient(connection: ServiceConnection): BlobServiceClient {
  return connection.kind === "connectionString"
    ? BlobServiceClient.fromConnectionString(connection.connectionString)
    : new BlobServiceClient(connection.endpoint, azureCredential());
}

const isNotFound = (err: unknown): boolean => (err as { statusCode?: number }).statusCode === 404;

export class BlobDocumentStore implements DocumentStore {
  private delegationKey: { key: UserDelegationKey; validUntil: number } | undefined;

  constructor(private readonly service: BlobServiceClient) {}

  static fromConnection(connection: ServiceConnection): BlobDocumentStore {
    return new BlobDocumentStore(createBlobServiceClient(connection));
  }

  private blob(container: string, blobName: string) {
    return this.service.getContainerClient(container).getBlockBlobClient(blobName);
  }

  async grantUpload(container: string, blobName: string, ttlMs: number): Promise<UploadGrant> {
    if (ttlMs <= 0 || ttlMs > MAX_SAS_TTL_MS)
      throw new RangeError(`SAS lifetime must be within 15 minutes, got ${ttlMs} ms`);
    const now = Date.now();
    const startsOn = new Date(now - CLOCK_SKEW_MS);
    const expiresOn = new Date(now + ttlMs);
    const blob = this.blob(container, blobName);
    const isHttps = blob.url.startsWith("https:");
    const values = {
      containerName: container,
      blobName,
      // create + write: enough for Put Block / Put Block List / Put Blob; no read, list or delete.
      permissions: BlobSASPermissions.parse("cw"),
      startsOn,
      expiresOn,
      protocol: isHttps ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
    };
    const credential = this.service.credential;
    const sas =
      credential instanceof StorageSharedKeyCredential
        ? generateBlobSASQueryParameters(values, credential)
        : generateBlobSASQueryParameters(
            values,
            await this.userDelegationKey(startsOn, expiresOn),
            this.accountName(),
          );
    return { url: `${blob.url}?${sas.toString()}`, expiresAt: expiresOn };
  }

  /** A user-delegation key (signed by Entra ID, no account key involved), reused for an hour. */
  private async userDelegationKey(startsOn: Date, expiresOn: Date): Promise<UserDelegationKey> {
    const cached = this.delegationKey;
    if (cached && cached.validUntil > expiresOn.getTime()) return cached.key;
    const keyExpiry = new Date(startsOn.getTime() + 2 * 3600_000);
    const key = await this.service.getUserDelegationKey(startsOn, keyExpiry);
    this.delegationKey = { key, validUntil: keyExpiry.getTime() };
    return key;
  }

  private accountName(): string {
    return new URL(this.service.url).hostname.split(".")[0] ?? "";
  }

  async upload(
    container: string,
    blobName: string,
    body: Readable,
    options: { contentType: string; maxBytes: number },
  ): Promise<DocumentProperties> {
    const limited = body.pipe(byteLimit(options.maxBytes));
    body.on("error", (err) => limited.destroy(err));
    const blob = this.blob(container, blobName);
    try {
      // Blocks of 4 MiB, 4 in flight: bounded memory (≈16 MiB) whatever the document size.
      const res = await blob.uploadStream(limited, 4 * MIB, 4, {
        blobHTTPHeaders: { blobContentType: options.contentType },
      });
      const props = await blob.getProperties();
      return {
        sizeBytes: props.contentLength ?? 0,
        contentType: options.contentType,
        etag: res.etag ?? props.etag ?? "",
      };
    } catch (err) {
      if (err instanceof DocsiftError) {
        await blob.deleteIfExists().catch(() => undefined);
        throw err;
      }
      throw err;
    }
  }

  async properties(container: string, blobName: string): Promise<DocumentProperties | undefined> {
    try {
      const p = await this.blob(container, blobName).getProperties();
      return {
        sizeBytes: p.contentLength ?? 0,
        ...(p.contentType ? { contentType: p.contentType } : {}),
        etag: p.etag ?? "",
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async readHead(container: string, blobName: string, length: number): Promise<Buffer> {
    // A ranged download returns fewer bytes when the blob is shorter than `length`.
    const res = await this.blob(container, blobName).download(0, length);
    const chunks: Buffer[] = [];
    for await (const chunk of res.readableStreamBody as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks).subarray(0, length);
  }

  async download(container: string, blobName: string, options: { ifMatch?: string } = {}): Promise<Readable> {
    try {
      const res = await this.blob(container, blobName).download(0, undefined, {
        ...(options.ifMatch ? { conditions: { ifMatch: options.ifMatch } } : {}),
      });
      if (!res.readableStreamBody) throw new Error("blob download returned no body stream");
      return res.readableStreamBody as Readable;
    } catch (err) {
      if (isNotFound(err))
        throw new DocsiftError("DOCUMENT_MISSING", `blob ${container}/${blobName} does not exist`, {
          cause: err,
        });
      if ((err as { statusCode?: number }).statusCode === 412)
        throw new DocsiftError(
          "DOCUMENT_CHANGED",
          `blob ${container}/${blobName} changed after it was submitted`,
          { cause: err },
        );
      throw err;
    }
  }

  async remove(container: string, blobName: string): Promise<void> {
    await this.blob(container, blobName).deleteIfExists({ deleteSnapshots: "include" });
  }

  async revokeUploads(container: string, blobName: string, holder: string): Promise<void> {
    const blob = this.blob(container, blobName);
    const lease = blob.getBlobLeaseClient(holder);
    const tombstone = { metadata: { docsifttombstone: "true" } };
    try {
      // A lease needs a blob to hold: the empty tombstone replaces whatever was uploaded.
      await blob.upload("", 0, tombstone);
    } catch (err) {
      // Leased already: by this holder (a repeated delete), which acquiring again confirms.
      if ((err as { statusCode?: number }).statusCode !== 412) throw err;
    }
    // Acquiring with the same id again succeeds while this holder has the lease.
    await lease.acquireLease(-1);
    // A SAS write that landed between the two calls above is replaced once more, now under the lease.
    await blob.upload("", 0, { ...tombstone, conditions: { leaseId: holder } });
  }
}

import { abortError } from "../lib/backoff.js";

export interface PutRequest {
  url: string;
  body: Blob | string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Bytes of the body sent so far. */
  onProgress?: (loaded: number) => void;
}

export interface PutResponse {
  status: number;
  text: string;
}

/** One HTTP PUT. Rejects with a NetworkError when no answer came, an AbortError when cancelled. */
export type Transport = (request: PutRequest) => Promise<PutResponse>;

export class NetworkError extends Error {
  override readonly name = "NetworkError";
}

/** XMLHttpRequest: the browser API that reports upload progress while the body is sent. */
export const xhrTransport: Transport = (request) =>
  new Promise<PutResponse>((resolve, reject) => {
    if (request.signal.aborted) return reject(abortError(request.signal));
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", request.url);
    for (const [k, v] of Object.entries(request.headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => request.onProgress?.(e.loaded);
    xhr.onload = () => {
      request.signal.removeEventListener("abort", onAbort);
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.onerror = () => {
      request.signal.removeEventListener("abort", onAbort);
      reject(new NetworkError(`PUT failed: no response from ${new URL(request.url).host}`));
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => reject(abortError(request.signal));
    const onAbort = () => xhr.abort();
    request.signal.addEventListener("abort", onAbort, { once: true });
    xhr.send(request.body);
  });

/** fetch: no upload progress in browsers (reported once, at the end); what Node and workers have. */
export const fetchTransport: Transport = async (request) => {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "PUT",
      body: request.body,
      headers: request.headers,
      signal: request.signal,
    });
  } catch (err) {
    if (request.signal.aborted) throw abortError(request.signal);
    throw new NetworkError(`PUT failed: ${(err as Error).message}`);
  }
  const text = await response.text();
  if (response.ok)
    request.onProgress?.(
      typeof request.body === "string" ? new Blob([request.body]).size : request.body.size,
    );
  return { status: response.status, text };
};

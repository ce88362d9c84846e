import { ProblemError, problem, reviewedResult } from "@docsift/core";
import type { Job, JobSort, JobStatus } from "@docsift/core";
import type { FunctionDeps } from "../deps.js";
import { unwrapToken, wrapToken } from "../lib/continuation-token.js";

export interface JobSearch {
  q?: string | undefined;
  status?: JobStatus[] | undefined;
  needsReview?: boolean | undefined;
  sort?: JobSort | undefined;
}

/**
 * How many of a user's newest jobs a search reads. Vendor and invoice number are the reviewed
 * values (corrections applied), which the store cannot query, so a search reads and filters here;
 * the cap keeps its cost bounded (ADR 0021). A user with more jobs finds the older ones through
 * the export's date filter.
 */
export const SEARCH_SCAN_LIMIT = 1000;
const SCAN_PAGE = 100;

export const isSearch = (s: JobSearch): boolean =>
  Boolean(s.q) ||
  s.status !== undefined ||
  s.needsReview !== undefined ||
  (s.sort !== undefined && s.sort !== "newest");

function matches(job: Job, search: JobSearch, needle: string | undefined): boolean {
  if (search.status && !search.status.includes(job.status)) return false;
  const reviewed = job.status === "COMPLETED" && job.result ? reviewedResult(job) : undefined;
  if (search.needsReview !== undefined && (reviewed?.needsReview ?? false) !== search.needsReview)
    return false;
  if (!needle) return true;
  const haystack = [job.fileName, reviewed?.fields.vendorName?.value, reviewed?.fields.invoiceNumber?.value];
  return haystack.some((text) => text?.toLowerCase().includes(needle));
}

const vendorOf = (job: Job) => (job.result ? (reviewedResult(job).fields.vendorName?.value ?? "") : "");
const totalOf = (job: Job) => {
  const v = job.result ? reviewedResult(job).fields.totalAmount?.value : undefined;
  return v === undefined ? Number.NEGATIVE_INFINITY : Number(v);
};

function compare(sort: JobSort): (a: Job, b: Job) => number {
  const newest = (a: Job, b: Job) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);
  switch (sort) {
    case "newest":
      return newest;
    case "oldest":
      return (a, b) => -newest(a, b);
    case "fileName":
      return (a, b) => a.fileName.localeCompare(b.fileName) || newest(a, b);
    case "vendor":
      // Jobs without a vendor last.
      return (a, b) => {
        const [va, vb] = [vendorOf(a), vendorOf(b)];
        return (!va ? 1 : 0) - (!vb ? 1 : 0) || va.localeCompare(vb) || newest(a, b);
      };
    case "total":
      return (a, b) => totalOf(b) - totalOf(a) || newest(a, b);
  }
}

function offsetOf(token: string | undefined): number {
  if (!token) return 0;
  const m = /^scan:(\d{1,6})$/.exec(unwrapToken(token));
  if (!m)
    throw new ProblemError(
      problem("validation-failed", {
        detail: "The continuation token is not valid for this search.",
        errors: [{ field: "continuationToken", message: "not valid" }],
      }),
    );
  return Number(m[1]);
}

/** One page of the user's jobs that match, in the chosen order; the token is the next offset. */
export async function searchJobs(
  deps: FunctionDeps,
  userId: string,
  search: JobSearch,
  page: { limit: number; continuationToken?: string | undefined },
): Promise<{ items: Job[]; continuationToken?: string }> {
  const offset = offsetOf(page.continuationToken);
  const needle = search.q?.toLowerCase();
  const found: Job[] = [];
  let scanned = 0;
  let token: string | undefined;
  do {
    const next = await deps.jobs.listByUser(userId, {
      limit: SCAN_PAGE,
      ...(token ? { continuationToken: token } : {}),
    });
    for (const job of next.items) if (matches(job, search, needle)) found.push(job);
    scanned += next.items.length;
    token = next.continuationToken;
  } while (token && scanned < SEARCH_SCAN_LIMIT);
  found.sort(compare(search.sort ?? "newest"));
  const end = offset + page.limit;
  return {
    items: found.slice(offset, end),
    ...(end < found.length ? { continuationToken: wrapToken(`scan:${end}`) } : {}),
  };
}

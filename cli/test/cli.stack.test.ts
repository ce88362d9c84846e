import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from "@azure/service-bus";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FunctionsConfigSchema, JobResultSchema, JobViewSchema, QUEUES, parseConfig } from "@docsift/core";
import { generateDocument, renderPdf } from "@docsift/model/synthetic";
import type { Truth } from "@docsift/model/synthetic";
import { WORKER_MAIN, startApp, startFunctionsHost, type LocalFunctionsHost } from "@docsift/local";
import { eventually } from "../../functions/test/helpers.js";

// The BUILT cli, as a user runs it (`npm test` builds first; by hand: npx tsc -b cli).
const CLI_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const env = inject("stackEnv");
const run = Date.now();
let host: LocalFunctionsHost;
let sb: ServiceBusClient;
let dir: string;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node cli/dist/main.js --api <host> [--as user --role r...] args` without a terminal. */
function docsift(
  args: string[],
  as?: { user: string; roles?: string[] },
  timeoutMs = 120_000,
): Promise<CliRun> {
  const identity = as ? ["--as", as.user, ...(as.roles ?? []).flatMap((r) => ["--role", r])] : [];
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DOCSIFT_")));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_MAIN, "--api", host.url, ...identity, ...args],
      { env: childEnv, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const json = (r: CliRun) => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read whatever JSON the CLI printed
    return JSON.parse(r.stdout) as Record<string, any>;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
};

async function invoicePdf(seed: number): Promise<{ file: string; truth: Truth }> {
  // "train" = templates and wordings the model has seen, in a new document (seed unused in training).
  const doc = generateDocument(seed, { docType: "invoice", locale: "en", split: "train" });
  const file = path.join(dir, `invoice-${seed}.pdf`);
  await renderPdf(doc, file);
  return { file, truth: doc.truth };
}

/** Takes this job's task off the queue (completing anything else found there first). */
async function takeTask(receiver: ServiceBusReceiver, jobId: string): Promise<ServiceBusReceivedMessage> {
  for (let i = 0; i < 50; i++) {
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5000 });
    if (!m) break;
    if ((m.body as { jobId?: string }).jobId === jobId) return m;
    await receiver.completeMessage(m);
  }
  throw new Error(`no task for job ${jobId} on the queue`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cli-stack-"));
  host = await startFunctionsHost({
    config: parseConfig("functions (cli test)", FunctionsConfigSchema, {
      ...env,
      AUTH_MODE: "dev",
      LOG_LEVEL: "warn",
      AUTO_RETRY_DELAY_SECONDS: "1",
    }),
    host: "127.0.0.1",
    port: 0,
    logger: pino({ level: "warn" }),
    timers: false,
  });
  sb = new ServiceBusClient(env.SERVICEBUS_CONNECTION_STRING!);
});

afterAll(async () => {
  await sb?.close();
  await host?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("API users", () => {
  const alice = { user: `cli-alice-${run}` };

  it("submits a PDF: checks it, uploads it in blocks to Blob, submits it, and it is QUEUED", async () => {
    const { file } = await invoicePdf(100_001);
    const r = await docsift(["submit", file, "--json"], alice);
    expect(r.code, r.stderr).toBe(0);
    const answer = json(r);
    expect(answer).toMatchObject({
      status: "QUEUED",
      jobId: expect.any(String),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Not a terminal: plain progress lines on stderr, no control codes.
    expect(r.stderr).toMatch(/^uploading 100% .* ETA /m);
    expect(r.stderr).not.toContain("\u001b[");

    const status = await docsift(["status", answer.jobId, "--json"], alice);
    expect(JobViewSchema.parse(json(status))).toMatchObject({
      id: answer.jobId,
      status: "QUEUED",
      fileName: path.basename(file),
    });
    const human = await docsift(["status", answer.jobId], alice);
    expect(human.stdout).toContain(
      `job ${answer.jobId}\nstatus: QUEUED\nfile: invoice-100001.pdf (application/pdf,`,
    );

    // Submitting the same bytes again is the same job, not a second one.
    const again = await docsift(["submit", file, "--json"], alice);
    expect(again.code, again.stderr).toBe(0);
    expect(json(again).jobId).toBe(answer.jobId);
    expect(again.stderr).toContain(`already submitted as job ${answer.jobId} (QUEUED)`);
    expect((await host.deps.jobs.get(alice.user, answer.jobId))?.value.submissions).toBe(1);
  });

  it("gives up waiting after --timeout with exit 1 (no worker runs here), and stops on Ctrl-C with exit 130", async () => {
    const { file } = await invoicePdf(100_002);
    const r = await docsift(["submit", file, "--wait", "--timeout", "2s"], alice);
    expect(r.code).toBe(1);
    const jobId = /job (\S+) is still QUEUED after 2s; check it later with: docsift status \1/.exec(
      r.stdout,
    )?.[1];
    expect(jobId, r.stdout).toBeDefined();

    const child = spawn(
      process.execPath,
      [CLI_MAIN, "--api", host.url, "--as", alice.user, "submit", file, "--wait"],
      {
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DOCSIFT_"))),
      },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes("waiting up to")) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted\n$/);
  });

  it("uploads a 20 MiB document in parallel 8 MiB blocks that Blob commits in order", async () => {
    const big = path.join(dir, "big.pdf");
    const body = Buffer.alloc(20 * 1024 * 1024);
    body.write("%PDF-1.7\n");
    for (let i = 9; i < body.length; i += 4096) body.writeUInt32BE(i, i);
    await writeFile(big, body);
    const r = await docsift(["submit", big, "--json"], alice);
    expect(r.code, r.stderr).toBe(0);
    const { jobId } = json(r);
    expect(json(r).status).toBe("QUEUED");
    const job = (await host.deps.jobs.get(alice.user, jobId))!.value;
    const chunks: Buffer[] = [];
    for await (const c of await host.deps.documents.download(job.blob.container, job.blob.name))
      chunks.push(Buffer.from(c as Uint8Array));
    const stored = Buffer.concat(chunks);
    expect(stored.equals(body)).toBe(true);
    expect((await docsift(["delete", jobId], alice)).code).toBe(0);
  });

  it("refuses a file type docsift does not take, locally, without creating a job", async () => {
    const mallory = { user: `cli-mallory-${run}` };
    const exe = path.join(dir, "invoice.pdf.exe");
    await writeFile(exe, Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0x00]), Buffer.alloc(4096)]));
    const r = await docsift(["submit", exe], mallory);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not a supported document");
    expect(json(await docsift(["list", "--json"], mallory)).items).toEqual([]);
  });

  it("lists jobs newest first, one page or all of them", async () => {
    const carol = { user: `cli-carol-${run}` };
    const ids: string[] = [];
    for (const seed of [100_011, 100_012, 100_013]) {
      const { file } = await invoicePdf(seed);
      ids.push(json(await docsift(["submit", file, "--json"], carol)).jobId);
    }
    const page = json(await docsift(["list", "--limit", "1", "--json"], carol));
    expect(page.items.map((j: { id: string }) => j.id)).toEqual([ids[2]]);
    expect(page.continuationToken).toEqual(expect.any(String));
    const all = json(await docsift(["list", "--limit", "1", "--all", "--json"], carol));
    expect(all.items.map((j: { id: string }) => j.id)).toEqual([...ids].reverse());
    expect(all.continuationToken).toBeUndefined();
    const table = await docsift(["list"], carol);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+STATUS\s+FILE\s+SIZE\s+CREATED$/);
    expect(table.stdout).toContain(ids[0]);
  });

  it("deletes a job; its status is then a not-found problem, printed without a stack trace", async () => {
    const { file } = await invoicePdf(100_021);
    const { jobId } = json(await docsift(["submit", file, "--json"], alice));
    const deleted = await docsift(["delete", jobId], alice);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`deleted job ${jobId} and its document\n`);
    const gone = await docsift(["status", jobId], alice);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe("Not found: No such job.\n");
    // Another user's job is not found either.
    const other = await docsift(["status", jobId], { user: `cli-bob-${run}` });
    expect(other.stderr).toBe("Not found: No such job.\n");
  });
});

describe("on-call dead-letter triage", () => {
  const user = { user: `cli-dave-${run}` };
  const oncall = { user: "cli-oncall", roles: ["docsift.admin"] };

  it("refuses the dlq commands without the admin role, saying which role is needed", async () => {
    const r = await docsift(["dlq", "list"], user);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("You are not allowed to do this: This route needs the docsift.admin role.");
    expect(r.stderr).toContain("need the docsift admin role");
    const withJson = await docsift(["dlq", "show", "x:1", "--json"], user);
    expect(json(withJson).error).toMatchObject({
      status: 403,
      problem: { type: "https://docsift.dev/problems/forbidden" },
    });
  });

  it("lists, shows, resubmits and dismisses dead letters of a task dead-lettered on the broker", async () => {
    const { file } = await invoicePdf(100_031);
    const { jobId } = json(await docsift(["submit", file, "--json"], user));
    const receiver = sb.createReceiver(QUEUES.tasks);
    try {
      await receiver.deadLetterMessage(await takeTask(receiver, jobId), {
        deadLetterReason: "CORRUPT_DOCUMENT",
        deadLetterErrorDescription: "xref table broken",
      });
      const record = await eventually(
        async () => {
          const r = await docsift(
            ["dlq", "list", "--reason", "CORRUPT_DOCUMENT", "--status", "open", "--since", "1h", "--json"],
            oncall,
          );
          return (json(r).items as Array<{ id: string; jobId: string }>).find((i) => i.jobId === jobId);
        },
        20_000,
        "dead letter recorded",
      );
      const table = await docsift(["dlq", "list", "--reason", "CORRUPT_DOCUMENT"], oncall);
      expect(table.stdout.split("\n")[0]).toMatch(
        /^ID\s+STATUS\s+REASON\s+DELIVERIES\s+DEAD-LETTERED\s+JOB\s+DESCRIPTION$/,
      );
      expect(table.stdout).toContain(record.id);

      const shown = await docsift(["dlq", "show", record.id], oncall);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toContain(
        `dead letter ${record.id}\nstatus: open (permanent cause)\njob: ${jobId}`,
      );
      expect(shown.stdout).toContain("reason: CORRUPT_DOCUMENT\ndescription: xref table broken");
      expect((await docsift(["status", jobId], user)).stdout).toContain("failure: CORRUPT_DOCUMENT");

      const resubmitted = await docsift(["dlq", "resubmit", record.id, "--note", "parser fixed"], oncall);
      expect(resubmitted.code, resubmitted.stderr).toBe(0);
      expect(resubmitted.stdout).toBe(`resubmitted: job ${jobId} is QUEUED (submission 2)\n`);
      const twice = await docsift(["dlq", "resubmit", record.id], oncall);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(
        /^The resource changed or is in a state that does not allow this: This dead letter was already resubmitted\.\n$/,
      );

      const retry = await takeTask(receiver, jobId);
      expect(retry.messageId).toBe(`${jobId}:2`);
      await receiver.deadLetterMessage(retry, {
        deadLetterReason: "CORRUPT_DOCUMENT",
        deadLetterErrorDescription: "still broken",
      });
      const second = await eventually(
        async () => {
          const r = await docsift(["dlq", "list", "--status", "open", "--json"], oncall);
          return (json(r).items as Array<{ id: string; jobId: string }>).find((i) => i.jobId === jobId);
        },
        20_000,
        "second dead letter",
      );
      const dismissed = await docsift(
        ["dlq", "dismiss", second.id, "--note", "customer informed", "--json"],
        oncall,
      );
      expect(dismissed.code, dismissed.stderr).toBe(0);
      expect(json(dismissed)).toMatchObject({
        id: second.id,
        status: "dismissed",
        actions: [{ action: "dismiss", by: "cli-oncall", note: "customer informed" }],
      });
    } finally {
      await receiver.close();
    }
  });

  it("answers an unknown dead letter with the API's problem", async () => {
    const r = await docsift(["dlq", "show", "no-such:1"], oncall);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("Not found: No such dead letter.\n");
  });
});

describe("local extraction", () => {
  it("extract --json returns a JobResult whose fields match the generator's truth", async () => {
    const { file, truth } = await invoicePdf(100_041);
    const r = await docsift(["extract", file, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const result = JobResultSchema.parse(json(r));
    expect(result.documentType).toBe("invoice");
    expect(result.fields.invoiceNumber?.value).toBe(truth.fields.invoiceNumber);
    expect(result.fields.totalAmount?.value).toBe(truth.fields.totalAmount);
    expect(result.fields.totalAmount?.page).toBe(1);
    expect(result.model.name).toBe("docsift-kie");
    const human = await docsift(["extract", file, "--pdf-engine", "pdfjs"]);
    expect(human.stdout).toContain("document type: invoice");
    expect(human.stdout).toContain("pdf engine: pdfjs");
    expect(human.stdout).toMatch(
      new RegExp(
        `^invoiceNumber\\s+${truth.fields.invoiceNumber!.replace(/[/.]/g, "\\$&")}\\s+\\d\\.\\d\\d\\s+1\\s+`,
        "m",
      ),
    );
  });

  it("fails an image without --ocr with a hint, and a corrupt PDF with its code", async () => {
    const png = path.join(dir, "scan.png");
    await writeFile(png, Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
    const image = await docsift(["extract", png]);
    expect(image.code).toBe(1);
    expect(image.stderr).toBe("UNSUPPORTED_DOCUMENT: Images need OCR: run again with --ocr.\n");
    const broken = path.join(dir, "broken.pdf");
    await writeFile(broken, "%PDF-1.7\nthis is not a PDF body\n");
    const r = await docsift(["extract", broken, "--json"]);
    expect(r.code).toBe(1);
    expect(json(r).error.code).toBe("CORRUPT_DOCUMENT");
  });
});

describe("submit --wait with a real worker", () => {
  let worker: Awaited<ReturnType<typeof startApp>> | undefined;
  beforeAll(async () => {
    worker = await startApp(
      "cli-test-worker",
      WORKER_MAIN,
      {
        ...process.env,
        ...env,
        HEALTH_PORT: "0",
        MODEL_SOURCE: "bundled",
        OCR_ENABLED: "false",
        TEMP_DIR: dir,
        LOG_LEVEL: "info",
      },
      "worker ready",
      pino({ level: "warn" }),
    );
  });
  afterAll(async () => {
    await worker?.child.stop(15_000);
  });

  it("waits for COMPLETED and prints the result, exit 0", async () => {
    const { file, truth } = await invoicePdf(100_051);
    const r = await docsift(["submit", file, "--wait", "--timeout", "2m", "--json"], {
      user: `cli-erin-${run}`,
    });
    expect(r.code, r.stderr).toBe(0);
    const job = JobViewSchema.parse(json(r));
    expect(job.status).toBe("COMPLETED");
    expect(job.result?.fields.invoiceNumber?.value).toBe(truth.fields.invoiceNumber);
    expect(job.result?.fields.totalAmount?.value).toBe(truth.fields.totalAmount);

    const human = await docsift(["status", job.id], { user: `cli-erin-${run}` });
    expect(human.stdout).toContain("status: COMPLETED");
    expect(human.stdout).toMatch(/^FIELD\s+VALUE\s+CONFIDENCE\s+REVIEW\s+PAGE\s+SOURCE TEXT$/m);
  });

  it("waits for FAILED and prints the reason, exit 1", async () => {
    const broken = path.join(dir, "broken-upload.pdf");
    await writeFile(broken, `%PDF-1.7\n${"garbage ".repeat(100)}\n`);
    const r = await docsift(["submit", broken, "--wait", "--timeout", "2m"], { user: `cli-erin-${run}` });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("status: FAILED");
    expect(r.stdout).toContain("failure: CORRUPT_DOCUMENT: ");
    expect(r.stderr).toContain("waiting up to 2m00s");
  });
});

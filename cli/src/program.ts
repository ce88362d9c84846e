import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DEAD_LETTER_STATUSES, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_OCR_MAX_PAGES } from "@docsift/core";
// The light entry point: the package root would load the document readers into every command.
import { DEFAULT_LIMITS } from "@docsift/extraction/limits";
import { capacityCommand } from "./commands/capacity.js";
import type { CapacityOptions } from "./commands/capacity.js";
import { dlqDismissCommand, dlqListCommand, dlqResubmitCommand, dlqShowCommand } from "./commands/dlq.js";
import { PDF_ENGINES, extractCommand } from "./commands/extract.js";
import { deleteCommand, listCommand, retryCommand, statusCommand } from "./commands/jobs.js";
import { submitCommand } from "./commands/submit.js";
import { resultConfirmCommand, resultSetCommand, resultShowCommand } from "./commands/result.js";
import { exportCommand } from "./commands/export.js";
import { MODEL_PUBLISH_DEFAULTS, modelPublishCommand } from "./commands/model-publish.js";
import { modelPromoteCommand, modelRollbackCommand, modelStatusCommand } from "./commands/model-rollout.js";
import type { RegistryOptions } from "./commands/model-rollout.js";
import { DEFAULT_API_URL, parseGlobalConfig } from "./config.js";
import type { RawGlobalOptions } from "./config.js";
import { CommandContext } from "./context.js";
import { CliError, EXIT, UsageError } from "./errors.js";
import type { CliIo } from "./io.js";
import { processIo, writeLine } from "./io.js";
import { formatBytes, parseDuration } from "./render/format.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const intIn = (min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max)
    throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
  return Number(value);
};

const duration = (value: string) => {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

/** An ISO 8601 time, or a span back from now ("2h" = two hours ago). */
export const parseSince = (value: string, now = Date.now()): string => {
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) throw new InvalidArgumentError("is not a valid ISO 8601 time.");
    return at.toISOString();
  }
  try {
    return new Date(now - parseDuration(value)).toISOString();
  } catch {
    throw new InvalidArgumentError(
      "must be an ISO 8601 time (2025-01-31T08:00:00Z) or a span back from now (90m, 2h).",
    );
  }
};

const AUTH_HELP = `
Authentication:
  In Azure the API sits behind App Service Authentication (Easy Auth) with Entra ID. Pass an
  access token for the API's app registration with --token or DOCSIFT_TOKEN:
    export DOCSIFT_TOKEN=$(az account get-access-token --resource <app id uri> --query accessToken -o tsv)
  Against the local stack (dev auth mode), --as <userId> [--role <role>] builds the client
  principal header Easy Auth would send; it is refused for any host that is not loopback.

Exit codes: 0 ok, 1 failure, 2 usage error, 130 interrupted.
Environment: DOCSIFT_API_URL (default ${DEFAULT_API_URL}), DOCSIFT_TOKEN.`;

/**
 * The docsift command line. Returns the exit code instead of exiting, so tests can run it in
 * process; `main.ts` is the thin executable around it.
 */
/** 5000000 → "5,000,000", without loading ICU (Intl costs ~13 ms at first use). */
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

export async function runCli(
  args: readonly string[],
  io: CliIo = processIo(),
  signal?: AbortSignal,
): Promise<number> {
  let ctx: CommandContext | undefined;
  let exitCode: number = EXIT.ok;
  const abort = signal ?? new AbortController().signal;
  const run =
    <A extends unknown[]>(fn: (ctx: CommandContext, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      exitCode = await fn(ctx!, ...args);
    };

  const program = new Command("docsift")
    .description(
      "Submit documents to docsift, follow their jobs, run extraction locally, and triage dead letters.",
    )
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError("(run with --help for usage)")
    .option("--api <url>", `API base URL (env DOCSIFT_API_URL, default ${DEFAULT_API_URL})`)
    .option("--token <token>", "bearer access token for the API in Azure (env DOCSIFT_TOKEN)")
    .option("--as <userId>", "local stack only: act as this user (dev auth mode)")
    .option(
      "--role <role>",
      "local stack only: app role for --as, repeatable",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option("--json", "print machine-readable JSON", false)
    .addHelpText("after", AUTH_HELP)
    .hook("preAction", () => {
      ctx = new CommandContext(io, parseGlobalConfig(program.opts<RawGlobalOptions>(), io.env), abort);
    });

  program
    .command("submit")
    .description(
      "upload a document (PDF, DOCX, text, PNG/JPEG/TIFF, XML e-invoice; up to 100 MiB) and queue it for extraction",
    )
    .argument("<file>", "the document")
    .option("--wait", "wait for the job to finish and print its result", false)
    .addOption(
      new Option("--timeout <duration>", "how long --wait waits (e.g. 90s, 10m, 1h)")
        .argParser(duration)
        // Shown as a duration, in the form the option takes, not as the milliseconds it holds.
        .default(10 * 60_000, "10m"),
    )
    .option(
      "--idempotency-key <key>",
      "submit as a new job (default: derived from the file's sha256, so a retry is the same job)",
    )
    .action(
      run((c, file: string, o: { wait: boolean; timeout: number; idempotencyKey?: string }) =>
        submitCommand(c, file, { wait: o.wait, timeoutMs: o.timeout, idempotencyKey: o.idempotencyKey }),
      ),
    );

  program
    .command("status")
    .description("show a job: status, failure reason or result")
    .argument("<id>", "job id")
    .action(run((c, id: string) => statusCommand(c, id)));

  program
    .command("list")
    .description("list your jobs, newest first")
    .option("--limit <n>", "jobs per page (1-100)", intIn(1, 100), 20)
    .option("--all", "follow continuation tokens to the last page", false)
    .action(run((c, o: { limit: number; all: boolean }) => listCommand(c, o)));

  program
    .command("retry")
    .description(
      "put a failed job back on the queue (only when its cause can pass: not a damaged or unsupported file)",
    )
    .argument("<id>", "job id")
    .action(run((c, id: string) => retryCommand(c, id)));

  program
    .command("delete")
    .description("delete a job, its document and its result")
    .argument("<id>", "job id")
    .action(run((c, id: string) => deleteCommand(c, id)));

  const collect = (v: string, prev: string[]) => [...prev, v];
  const result = program
    .command("result")
    .description("review a completed job's result: show, correct, confirm");
  result
    .command("show")
    .description("show the reviewed result: fields needing review first, corrections, what is absent")
    .argument("<job>", "job id")
    .option("--csv", "one CSV row in the export's columns", false)
    .action(run((c, id: string, o: { csv: boolean }) => resultShowCommand(c, id, o)));
  result
    .command("set")
    .description("correct field values (kept as a new revision; the model's values stay on record)")
    .argument("<job>", "job id")
    .argument("[assignments...]", "field=value, e.g. totalAmount=1234.50 invoiceDate=2026-01-31")
    .option("--absent <field>", "mark a field as not in the document (repeatable)", collect, [] as string[])
    .addHelpText(
      "after",
      `
Values are checked per field: dates as YYYY-MM-DD, amounts as numbers (1234.50), IBANs by
checksum, currencies as ISO 4217 codes. A change someone else made since the result was read is
not overwritten: the command fails and can be run again.`,
    )
    .action(
      run((c, id: string, pairs: string[], o: { absent: string[] }) => resultSetCommand(c, id, pairs, o)),
    );
  result
    .command("confirm")
    .description("confirm the result as it stands (or only --field ones)")
    .argument("<job>", "job id")
    .option("--field <field>", "confirm only this field (repeatable)", collect, [] as string[])
    .action(run((c, id: string, o: { field: string[] }) => resultConfirmCommand(c, id, o)));

  program
    .command("export")
    .description("your jobs as CSV, one row per document with the reviewed values (streamed)")
    .option("--from <date>", "created on or after (YYYY-MM-DD or ISO 8601 time)")
    .option("--to <date>", "created on or before (a date includes its whole day)")
    .option("--status <statuses>", "comma-separated job statuses (default COMPLETED)")
    .option("--needs-review", "only results that still need review")
    .option("--reviewed", "only results that need no review")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .action(
      run(
        (
          c,
          o: {
            from?: string;
            to?: string;
            status?: string;
            needsReview?: boolean;
            reviewed?: boolean;
            output?: string;
          },
        ) => {
          if (o.needsReview && o.reviewed)
            throw new UsageError("--needs-review and --reviewed exclude each other");
          return exportCommand(c, {
            ...(o.from ? { from: o.from } : {}),
            ...(o.to ? { to: o.to } : {}),
            ...(o.status ? { status: o.status } : {}),
            ...(o.needsReview ? { needsReview: true } : o.reviewed ? { needsReview: false } : {}),
            ...(o.output ? { output: o.output } : {}),
          });
        },
      ),
    );

  program
    .command("extract")
    .description(
      "run extraction and the default model locally on files or folders (no queue, no API; one model load for all)",
    )
    .argument("<paths...>", "documents, or folders whose PDF, DOCX, text and image files are read")
    .option(
      "--ocr",
      "recognise images and PDF pages without a text layer (PP-OCR: seconds and about 0.6 GB per page)",
      false,
    )
    .addOption(new Option("--pdf-engine <engine>", "PDF text engine").choices(PDF_ENGINES).default("auto"))
    .option("--csv", "several files: one CSV row per file (values and confidences of every field)", false)
    .addHelpText(
      "after",
      // Built when help is asked for, not on every start.
      () => `
The service's caps apply, with its error codes: at most ${formatBytes(DEFAULT_MAX_UPLOAD_BYTES)} (DOCUMENT_TOO_LARGE),
PDF, DOCX, text, PNG/JPEG/TIFF or an XML e-invoice by content (UNSUPPORTED_DOCUMENT), not empty (EMPTY_DOCUMENT),
${DEFAULT_LIMITS.maxPages} pages (TOO_MANY_PAGES), ${thousands(DEFAULT_LIMITS.maxCharacters)} characters (DOCUMENT_TOO_LARGE), ${DEFAULT_LIMITS.timeoutMs / 1000} s of reading
(EXTRACTION_TIMEOUT), and OCR of the first ${DEFAULT_OCR_MAX_PAGES} scanned pages (later ones read as blank).
An XML e-invoice (UBL, CII) or a PDF with Factur-X/ZUGFeRD XML attached is read from its XML (source
e-invoice, with line items): at most ${formatBytes(DEFAULT_LIMITS.maxXmlBytes)} and ${DEFAULT_LIMITS.maxXmlDepth} levels (DOCUMENT_TOO_LARGE), no DTD (UNSUPPORTED_DOCUMENT).

One file prints its result (the JobResult the worker stores, with --json). Several files or a
folder print one result per file in order (JSON lines with --json: {"file", "result"} or
{"file", "error"}; --csv: one row per file); a failed file does not stop the others, and the
exit code is 1 if any failed.`,
    )
    .action(
      run((c, paths: string[], o: { ocr: boolean; pdfEngine: (typeof PDF_ENGINES)[number]; csv: boolean }) =>
        extractCommand(c, paths, { ocr: o.ocr, pdfEngine: o.pdfEngine, format: o.csv ? "csv" : "auto" }),
      ),
    );

  const model = program.command("model").description("the key-information model registry and its rollout");
  const registryOptions = (command: Command) =>
    command
      .option("--registry-dir <dir>", "a registry on a directory instead of Blob Storage")
      .option(
        "--account-url <url>",
        "https://<account>.blob.core.windows.net (signed in with az login / managed identity)",
      )
      .option("--container <name>", "registry container", MODEL_PUBLISH_DEFAULTS.container)
      .option("--name <name>", "model name", MODEL_PUBLISH_DEFAULTS.name);
  registryOptions(
    model
      .command("promote")
      .argument("<version>", "a version published in the registry")
      .description(
        "make a version current (the old one is kept for rollback), or with --canary/--shadow try it on a share of jobs first",
      )
      .option("--canary <percent>", "serve this share of jobs with the version; current serves the rest")
      .option(
        "--shadow <percent>",
        "score this share of jobs with the version too; users see current's results",
      ),
  ).action(
    run((c, version: string, o: RegistryOptions & { canary?: string; shadow?: string }) =>
      modelPromoteCommand(c, version, o),
    ),
  );
  registryOptions(
    model
      .command("rollback")
      .description(
        "stop a canary or shadow run in progress; with none, move current back to the previous version",
      ),
  ).action(run((c, o: RegistryOptions) => modelRollbackCommand(c, o)));
  registryOptions(
    model
      .command("status")
      .description("the current version, a candidate being tried, and the rollback target"),
  ).action(run((c, o: RegistryOptions) => modelStatusCommand(c, o)));

  model
    .command("publish")
    .description(
      "upload a committed model (model/artifacts) to models/{name}/{version}/ and move the current pointer",
    )
    .option(
      "--account-url <url>",
      "https://<account>.blob.core.windows.net (signed in with az login / managed identity)",
    )
    .option("--container <name>", "registry container", MODEL_PUBLISH_DEFAULTS.container)
    .option("--name <name>", "model name", MODEL_PUBLISH_DEFAULTS.name)
    .option(
      "--version <version>",
      "committed version to publish (default: the committed current one)",
      MODEL_PUBLISH_DEFAULTS.version,
    )
    .option("--no-current", "publish without moving the current pointer")
    .action(
      run(
        (c, o: { accountUrl?: string; container: string; name: string; version: string; current: boolean }) =>
          modelPublishCommand(c, o),
      ),
    );

  program
    .command("capacity")
    .description(
      "plan the worker's autoscaling: replay a job trace through KEDA, the HPA and the pods; report waits, kills and pod-hours",
    )
    .addOption(
      new Option(
        "--trace <file>",
        "job timings: CSV (arrival,duration) or JSON (those, or job records)",
      ).conflicts("profile"),
    )
    .addOption(
      new Option("--profile <profile>", "synthetic trace instead of --trace")
        .choices(["bursty"])
        .default("bursty"),
    )
    .option("--hours <n>", "length of the synthetic trace", intIn(1, 168), 6)
    .option(
      "--seed <n>",
      "seed of the synthetic trace and of the cluster's random choices",
      intIn(0, 2 ** 31),
      1,
    )
    .option("--target-wait <seconds>", "p95 queue wait to meet", intIn(1, 86_400), 120)
    .option("--max-pods <n>", "maxReplicaCount", intIn(1, 500), 20)
    .option("--pod-start <seconds>", "pod creation to first message", intIn(0, 3600), 45)
    .option(
      "--concurrency <n>",
      "jobs per pod (WORKER_CONCURRENCY; messageCount follows it)",
      intIn(1, 16),
      1,
    )
    .option(
      "--settings <file>",
      "evaluate one setting: an infra-cdktf environment JSON or a bare settings object, instead of searching",
    )
    .option("--deletion-cost", "model idle pods being removed first (pod-deletion-cost)", false)
    .option("--top <n>", "settings of the search to list", intIn(1, 100), 5)
    .option("--runs <n>", "runs per setting with other random choices of the cluster", intIn(1, 20), 3)
    .addHelpText(
      "after",
      `
The model: KEDA polls the queue's active messages (waiting and locked, as the Service Bus scaler
counts them), activates from 0 and returns to 0 after the cooldown; the HPA syncs every 15 s with
its 10 % tolerance, stabilization windows and policies as infra-cdktf deploys them; a scale-in
removes pods as the ReplicaSet ranks them, not knowing which are busy; a stopped pod drains its jobs
within the drain grace and a job outlasting it is killed (its message goes back to the queue).
Pod-hours count a pod from creation to exit.`,
    )
    .action(run((c, o: CapacityOptions) => capacityCommand(c, o)));

  const dlq = program
    .command("dlq")
    .description("on-call: dead-lettered inference tasks (needs the admin role)");
  dlq
    .command("list")
    .description("list dead letters, newest first")
    .option(
      "--reason <reason>",
      "only this dead-letter reason (e.g. MaxDeliveryCountExceeded, CORRUPT_DOCUMENT)",
    )
    .addOption(new Option("--status <status>", "only this status").choices(DEAD_LETTER_STATUSES))
    .option(
      "--since <time>",
      "dead-lettered at or after (ISO 8601, or a span back from now like 2h)",
      (v: string) => parseSince(v),
    )
    .option("--limit <n>", "how many (1-100)", intIn(1, 100), 50)
    .action(
      run(
        (
          c,
          o: {
            reason?: string;
            status?: (typeof DEAD_LETTER_STATUSES)[number];
            since?: string;
            limit: number;
          },
        ) => dlqListCommand(c, o),
      ),
    );
  dlq
    .command("show")
    .description("show one dead letter with its message body and actions")
    .argument("<id>", "dead-letter id")
    .action(run((c, id: string) => dlqShowCommand(c, id)));
  dlq
    .command("resubmit")
    .description("put the dead letter's job back on the queue")
    .argument("<id>", "dead-letter id")
    .option("--note <text>", "why (kept in the record's actions)")
    .action(run((c, id: string, o: { note?: string }) => dlqResubmitCommand(c, id, o.note)));
  dlq
    .command("dismiss")
    .description("close a dead letter without resubmitting")
    .argument("<id>", "dead-letter id")
    .option("--note <text>", "why (kept in the record's actions)")
    .action(run((c, id: string, o: { note?: string }) => dlqDismissCommand(c, id, o.note)));

  try {
    await program.parseAsync([...args], { from: "user" });
    return exitCode;
  } catch (err) {
    return report(err, io, ctx?.config.json ?? args.includes("--json"), abort);
  }
}

function report(err: unknown, io: CliIo, json: boolean, signal: AbortSignal): number {
  if (err instanceof CommanderError) {
    // Commander already printed help or the usage error.
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT.ok;
    if (err.code === "commander.help") return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return EXIT.usage;
  }
  if (err instanceof UsageError) {
    writeLine(io.stderr, `error: ${err.message}`);
    writeLine(io.stderr, "(run with --help for usage)");
    if (json) writeLine(io.stdout, JSON.stringify({ error: { usage: err.message } }, null, 2));
    return EXIT.usage;
  }
  if (signal.aborted) {
    writeLine(io.stderr, "interrupted");
    return EXIT.interrupted;
  }
  if (err instanceof CliError) {
    writeLine(io.stderr, err.message);
    if (json) writeLine(io.stdout, JSON.stringify({ error: err.json }, null, 2));
    return EXIT.failure;
  }
  // A bug, not an API error: the stack helps whoever reports it.
  const e = err instanceof Error ? err : new Error(String(err));
  writeLine(io.stderr, `docsift: unexpected error: ${e.message}`);
  if (io.env.DOCSIFT_DEBUG) writeLine(io.stderr, e.stack ?? "");
  else writeLine(io.stderr, "(set DOCSIFT_DEBUG=1 for details)");
  if (json) writeLine(io.stdout, JSON.stringify({ error: { message: e.message } }, null, 2));
  return EXIT.failure;
}

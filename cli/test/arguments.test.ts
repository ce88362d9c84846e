import { describe, expect, it } from "vitest";
import { parseGlobalConfig, authHeaders, isLoopbackHost } from "../src/config.js";
import { parseSince } from "../src/program.js";
import { UsageError } from "../src/errors.js";
import { runCaptured } from "./capture.js";

const JOB = "0f8fad5b-d9cb-469f-a165-70867728950e";

describe("usage errors exit 2 before anything is sent", () => {
  const cases: Array<[string, string[], RegExp, Record<string, string>?]> = [
    ["no command", [], /Usage: docsift/],
    ["unknown command", ["bogus"], /unknown command 'bogus'/],
    ["missing argument", ["status"], /missing required argument 'id'/],
    ["excess argument", ["status", JOB, "extra"], /too many arguments/],
    ["unknown option", ["list", "--bogus"], /unknown option '--bogus'/],
    ["limit not a number", ["list", "--limit", "abc"], /--limit <n>.*whole number from 1 to 100/],
    ["limit too large", ["list", "--limit", "101"], /whole number from 1 to 100/],
    ["bad timeout", ["submit", "f.pdf", "--timeout", "soon"], /is not a duration/],
    [
      "bad dlq status",
      ["dlq", "list", "--status", "closed"],
      /Allowed choices are open, auto-retried, resubmitted, dismissed/,
    ],
    ["bad since", ["dlq", "list", "--since", "yesterday"], /ISO 8601 time/],
    [
      "bad pdf engine",
      ["extract", "f.pdf", "--pdf-engine", "mupdf"],
      /Allowed choices are auto, pdfjs, poppler/,
    ],
    ["dlq without subcommand", ["dlq"], /Usage: docsift dlq/],
    ["job id that is not a UUID", ["status", "not-a-job"], /"not-a-job" is not a job id/],
    [
      "--as towards a non-loopback API",
      ["--api", "https://docsift.example.com", "--as", "bob", "list"],
      /--as: only for the local stack; https:\/\/docsift.example.com is not a loopback/,
    ],
    [
      "--role without --as",
      ["--role", "docsift.admin", "dlq", "list"],
      /--role: only applies together with --as/,
    ],
    ["--as and --token together", ["--as", "bob", "--token", "t", "list"], /--as: use either --token/],
    [
      "--as with a user id the API would refuse",
      ["--as", "bob/../alice", "list"],
      /--as: user id has characters that are not allowed/,
    ],
    ["--api that is not an http URL", ["--api", "ftp://x", "list"], /--api: must be an http\(s\) URL/],
    [
      "DOCSIFT_API_URL that is not a URL",
      ["list"],
      /DOCSIFT_API_URL: must be an http\(s\) URL/,
      { DOCSIFT_API_URL: "nope" },
    ],
  ];
  for (const [name, args, message, env] of cases) {
    it(name, async () => {
      const r = await runCaptured(args, env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  }

  it("prints a machine-readable usage error with --json", async () => {
    const r = await runCaptured(["--json", "status", "nope"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { usage: expect.stringMatching(/not a job id/) } });
  });
});

describe("help and version exit 0", () => {
  it("documents commands, token auth and exit codes", async () => {
    const r = await runCaptured(["--help"]);
    expect(r.code).toBe(0);
    for (const word of [
      "submit",
      "status",
      "list",
      "delete",
      "extract",
      "dlq",
      "az account get-access-token --resource <app id uri>",
      "Exit codes: 0 ok, 1 failure, 2 usage error",
    ])
      expect(r.stdout).toContain(word);
  });

  it("shows subcommand help", async () => {
    const r = await runCaptured(["dlq", "list", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--reason <reason>");
  });

  it("shows a duration's default in the form the option takes", async () => {
    const r = await runCaptured(["submit", "--help"]);
    expect(r.code).toBe(0);
    // Help wraps at 80 columns: compare with the line breaks folded.
    const help = r.stdout.replace(/\s+/g, " ");
    expect(help).toContain("--timeout <duration> how long --wait waits (e.g. 90s, 10m, 1h) (default: 10m)");
    expect(help).not.toContain("600000");
  });

  it("prints the version", async () => {
    const r = await runCaptured(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("0.1.0");
  });
});

describe("global configuration", () => {
  it("takes the API and token from the environment when no option is given", () => {
    const c = parseGlobalConfig({}, { DOCSIFT_API_URL: "https://api.example.com", DOCSIFT_TOKEN: "tok" });
    expect(c.apiUrl.href).toBe("https://api.example.com/");
    expect(authHeaders(c)).toEqual({ authorization: "Bearer tok" });
  });

  it("lets options win over the environment and defaults to the local host", () => {
    expect(
      parseGlobalConfig({ api: "http://localhost:9000" }, { DOCSIFT_API_URL: "https://x.example.com" }).apiUrl
        .port,
    ).toBe("9000");
    expect(parseGlobalConfig({}, {}).apiUrl.href).toBe("http://127.0.0.1:7071/");
  });

  it("sends no identity without --token or --as", () => {
    expect(authHeaders(parseGlobalConfig({}, {}))).toEqual({});
  });

  it("refuses with a UsageError", () => {
    expect(() => parseGlobalConfig({ as: "bob", api: "http://10.0.0.5:7071" }, {})).toThrow(UsageError);
  });

  it.each([
    ["127.0.0.1", true],
    ["127.5.6.7", true],
    ["localhost", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["10.0.0.1", false],
    ["128.0.0.1", false],
    ["localhost.example.com", false],
    ["docsift.azurewebsites.net", false],
  ])("loopback(%s) = %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it("reads --since as ISO or a span back from now", () => {
    const now = Date.parse("2025-06-01T12:00:00Z");
    expect(parseSince("2h", now)).toBe("2025-06-01T10:00:00.000Z");
    expect(parseSince("2025-05-31T08:00:00+02:00", now)).toBe("2025-05-31T06:00:00.000Z");
    expect(() => parseSince("2025-13-45T99:00:00Z", now)).toThrow(/not a valid ISO 8601/);
  });
});

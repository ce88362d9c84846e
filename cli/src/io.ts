/** Where a command writes and what it knows of its terminal; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

export const writeLine = (stream: NodeJS.WritableStream, line = ""): void => {
  stream.write(`${line}\n`);
};

import type { Logger } from "pino";

type Level = "trace" | "debug" | "information" | "warning" | "error" | "critical" | "none";

/** Sends InvocationContext logs to pino with the function name and invocation id, as the host's logs carry. */
export function invocationLogHandler(logger: Logger, functionName: string, invocationId: string) {
  const log = logger.child({ fn: functionName, invocationId });
  return (level: Level, ...args: unknown[]): void => {
    const [message, ...rest] = args;
    const fields =
      rest.length === 1 && rest[0] && typeof rest[0] === "object"
        ? (rest[0] as Record<string, unknown>)
        : rest.length
          ? { args: rest }
          : {};
    const text = typeof message === "string" ? message : JSON.stringify(message);
    switch (level) {
      case "error":
      case "critical":
        return log.error(fields, text);
      case "warning":
        return log.warn(fields, text);
      case "information":
        return log.info(fields, text);
      case "none":
        return;
      default:
        return log.debug(fields, text);
    }
  };
}

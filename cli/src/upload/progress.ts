import { SingleBar } from "cli-progress";
import { formatBytes, formatDuration } from "../render/format.js";

/** Upload progress in bytes; {@link createProgress} picks a bar or plain lines. */
export interface Progress {
  add(deltaBytes: number): void;
  note(message: string): void;
  stop(): void;
}

interface Clock {
  now(): number;
}

const rateOf = (bytes: number, startedAt: number, now: number): number =>
  now > startedAt ? (bytes * 1000) / (now - startedAt) : 0;

/** A redrawn bar with bytes, rate and ETA, for a person watching a terminal. */
class BarProgress implements Progress {
  private readonly bar: SingleBar;
  private done = 0;
  private readonly startedAt: number;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WritableStream,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.now();
    this.bar = new SingleBar({
      stream,
      format: "uploading [{bar}] {percentage}% | {done}/{size} | {rate} | ETA {remaining}",
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      clearOnComplete: false,
      // A 100 MiB upload takes seconds: redraw often enough to look alive, not more.
      fps: 10,
      etaBuffer: 50,
    });
    this.bar.start(total, 0, this.payload());
  }

  private payload() {
    const now = this.clock.now();
    const rate = rateOf(this.done, this.startedAt, now);
    return {
      done: formatBytes(this.done),
      size: formatBytes(this.total),
      rate: `${formatBytes(Math.round(rate))}/s`,
      remaining: rate > 0 ? formatDuration(((this.total - this.done) / rate) * 1000) : "?",
    };
  }

  add(delta: number): void {
    this.done += delta;
    this.bar.update(this.done, this.payload());
  }

  note(message: string): void {
    // Above the bar, which redraws below it.
    this.bar.stop();
    this.stream.write(`${message}\n`);
    this.bar.start(this.total, this.done, this.payload());
  }

  stop(): void {
    this.bar.update(this.done, this.payload());
    this.bar.stop();
  }
}

/** Plain lines at each tenth and at the end: logs and pipes get progress without control codes. */
export class LineProgress implements Progress {
  private done = 0;
  private lastTenth = 0;
  private readonly startedAt: number;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WritableStream,
    private readonly clock: Clock = { now: () => Date.now() },
  ) {
    this.startedAt = clock.now();
  }

  add(delta: number): void {
    this.done += delta;
    const tenth = Math.floor((this.done / this.total) * 10);
    if (tenth > this.lastTenth && tenth < 10) {
      this.lastTenth = tenth;
      this.line();
    }
  }

  private line(): void {
    const rate = rateOf(this.done, this.startedAt, this.clock.now());
    const pct = Math.floor((this.done / this.total) * 100);
    const eta = rate > 0 ? formatDuration(((this.total - this.done) / rate) * 1000) : "?";
    this.stream.write(
      `uploading ${pct}% ${formatBytes(this.done)}/${formatBytes(this.total)} ${formatBytes(Math.round(rate))}/s ETA ${eta}\n`,
    );
  }

  note(message: string): void {
    this.stream.write(`${message}\n`);
  }

  stop(): void {
    if (this.done >= this.total) {
      this.lastTenth = 10;
      this.line();
    }
  }
}

/** A bar when a person is watching (stdout and stderr are terminals), plain lines otherwise; on stderr either way. */
export function createProgress(
  total: number,
  io: { stdout: { isTTY?: boolean }; stderr: NodeJS.WritableStream & { isTTY?: boolean } },
  clock: Clock = { now: () => Date.now() },
): Progress {
  return io.stdout.isTTY && io.stderr.isTTY
    ? new BarProgress(total, io.stderr, clock)
    : new LineProgress(total, io.stderr, clock);
}

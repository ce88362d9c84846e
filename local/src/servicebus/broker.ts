import type { Logger } from "pino";
import { DeadlineScheduler } from "./deadline-scheduler.js";
import { DEAD_LETTER_SUFFIX, Entity } from "./entity.js";
import type { QueueRuntimeCounts, ResolvedQueueConfig } from "./types.js";

/** All queues and their dead-letter queues, addressed case-insensitively as Azure does. */
export class Broker {
  private readonly entities = new Map<string, Entity>();
  private readonly queues = new Map<string, { main: Entity; deadLetter: Entity }>();
  readonly scheduler = new DeadlineScheduler();
  readonly startedAt = new Date();

  constructor(configs: readonly ResolvedQueueConfig[], log: Logger) {
    for (const config of configs) {
      const deadLetter = new Entity(config.name + DEAD_LETTER_SUFFIX, config, this.scheduler, log, undefined);
      const main = new Entity(config.name, config, this.scheduler, log, deadLetter);
      this.entities.set(main.name.toLowerCase(), main);
      this.entities.set(deadLetter.name.toLowerCase(), deadLetter);
      this.queues.set(config.name.toLowerCase(), { main, deadLetter });
    }
  }

  /** An entity for a link address (`q`, `q/$DeadLetterQueue`), or undefined. */
  entity(address: string): Entity | undefined {
    return this.entities.get(address.replace(/^\/+/, "").toLowerCase());
  }

  queueConfigs(): ResolvedQueueConfig[] {
    return [...this.queues.values()].map((q) => q.main.config);
  }

  queueConfig(name: string): ResolvedQueueConfig | undefined {
    return this.queues.get(name.toLowerCase())?.main.config;
  }

  runtimeCounts(queue: string): QueueRuntimeCounts {
    const q = this.queues.get(queue.toLowerCase());
    if (!q) throw new Error(`Service Bus emulator: unknown queue "${queue}"`);
    const { active, scheduled } = q.main.counts();
    const deadLetter = q.deadLetter.messages.size;
    return {
      activeMessageCount: active,
      deadLetterMessageCount: deadLetter,
      scheduledMessageCount: scheduled,
      totalMessageCount: active + scheduled + deadLetter,
    };
  }

  close(): void {
    this.scheduler.stop();
    for (const entity of this.entities.values()) entity.close();
  }
}

/**
 * Local event delivery: reads the table's stream on DynamoDB Local and hands every domain event to `onEvent` — the
 * same consumer runner the deployed consumers run. DescribeStream lists the shards; each shard is read from
 * TRIM_HORIZON or LATEST (at start) or just after the last sequence number handled (after an expired iterator or a
 * restart of the loop), a child shard only once its parent is exhausted, so each subject's events arrive in order.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DomainEvent } from '../domain/domain-event.js';
import { eventOfRecord } from '../store/stream-records.js';

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  /** Where to begin in the shards open at start: every retained record, or only those written from now on. */
  from?: 'TRIM_HORIZON' | 'LATEST';
  /** Receives each event, in stream order per shard. A throw is retried with backoff, at most `maxAttempts` times. */
  onEvent: (event: DomainEvent) => Promise<unknown>;
  /**
   * Receives every record of the stream (after `onEvent` for an event item): the search indexer's feed, which
   * follows changes of enterprises, rights and pledges. Retried like `onEvent`.
   */
  onChange?: ((record: StreamChange) => Promise<unknown>) | undefined;
  /** Pause after a round that found nothing; default 200 ms. */
  intervalMs?: number;
  maxAttempts?: number;
  log?: (message: string) => void;
}

/** A stream record as the indexer reads it: which item changed. */
export interface StreamChange {
  eventName?: string | undefined;
  dynamodb?: { Keys?: Record<string, unknown> };
}

interface ShardState {
  id: string;
  parent: string | undefined;
  start: ShardIteratorType;
  iterator?: string | undefined;
  /** The last sequence number handled: where a fresh iterator resumes. */
  after?: string | undefined;
  exhausted: boolean;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const SHARD_REFRESH_MS = 2_000;
const BACKOFF_BASE_MS = 25;
const BACKOFF_CAP_MS = 1_000;

export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly tables: DynamoDBClient;
  private readonly shards = new Map<string, ShardState>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A shard ran out since the last DescribeStream: its children may be listed now. */
  private shardClosed = false;
  private rounds = 0;
  private waiters: { after: number; resolve: () => void }[] = [];

  constructor(private readonly options: StreamPollerOptions) {
    const client = { endpoint: options.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS };
    this.streams = new DynamoDBStreamsClient(client);
    this.tables = new DynamoDBClient(client);
  }

  start(): this {
    if (!this.running) {
      this.running = true;
      this.loop = this.run();
    }
    return this;
  }

  /** Stops after the record in hand; never abandons an event halfway through its retries' current attempt. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
    this.streams.destroy();
    this.tables.destroy();
  }

  /** Resolves after a whole round, begun after this call, that found no new record: all written so far is handed on. */
  settled(): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ after: this.rounds, resolve }));
  }

  private async run(): Promise<void> {
    let arn: string | undefined;
    let refreshed = 0;
    while (this.running) {
      try {
        arn ??= await this.streamArn();
        if (refreshed === 0 || this.shardClosed || Date.now() - refreshed > SHARD_REFRESH_MS) {
          await this.refreshShards(arn, refreshed === 0);
          refreshed = Date.now();
          this.shardClosed = false;
        }
        const round = ++this.rounds;
        let records = 0;
        for (const shard of this.readable()) records += await this.poll(arn, shard);
        if (records === 0) {
          this.settle(round);
          await this.pause(this.options.intervalMs ?? 200);
        }
      } catch (error) {
        if (!this.running) return;
        this.options.log?.(`event delivery: stream read failed (${(error as Error).message}); retrying`);
        await this.pause(BACKOFF_CAP_MS);
      }
    }
  }

  private async streamArn(): Promise<string> {
    const out = await this.tables.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    const arn = out.Table?.LatestStreamArn;
    if (!arn) throw new Error(`Table ${this.options.tableName} has no stream.`);
    return arn;
  }

  /** Adds shards not seen yet: those open at start from `from`, later ones (children) from their beginning. */
  private async refreshShards(arn: string, initial: boolean): Promise<void> {
    let startId: string | undefined;
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: startId }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) this.track(shard, initial);
      startId = out.StreamDescription?.LastEvaluatedShardId;
    } while (startId);
  }

  private track(shard: Shard, initial: boolean): void {
    const id = shard.ShardId;
    if (!id || this.shards.has(id)) return;
    const start = initial ? (this.options.from ?? 'TRIM_HORIZON') : 'TRIM_HORIZON';
    this.shards.set(id, { id, parent: shard.ParentShardId, start, exhausted: false });
  }

  /** Open shards whose parent, while DynamoDB still lists it, has been read to its end. */
  private readable(): ShardState[] {
    return [...this.shards.values()].filter((s) => {
      if (s.exhausted) return false;
      const parent = s.parent ? this.shards.get(s.parent) : undefined;
      return !parent || parent.exhausted;
    });
  }

  private async poll(arn: string, shard: ShardState): Promise<number> {
    shard.iterator ??= await this.iterator(arn, shard);
    let out: GetRecordsCommandOutput;
    try {
      out = await this.streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 100 }));
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'ExpiredIteratorException' && name !== 'TrimmedDataAccessException') throw error;
      // Resume just after the last record handled; records trimmed meanwhile are gone from the stream anyway.
      shard.iterator = undefined;
      if (name === 'TrimmedDataAccessException') shard.after = undefined;
      return 0;
    }
    const records = out.Records ?? [];
    try {
      for (const record of records) {
        if (!this.running) return records.length;
        const image = record.dynamodb?.NewImage;
        const event = eventOfRecord({ ...record, dynamodb: { NewImage: image && repairEmptyMaps(image) } });
        if (event) await this.hand(event.id, () => this.options.onEvent(event));
        const onChange = this.options.onChange;
        if (onChange) await this.hand(`change ${record.dynamodb?.SequenceNumber}`, () => onChange(record));
        shard.after = record.dynamodb?.SequenceNumber;
      }
    } catch (error) {
      shard.iterator = undefined; // the same iterator would return the records already handed on
      throw error;
    }
    shard.iterator = out.NextShardIterator;
    if (!shard.iterator) {
      shard.exhausted = true;
      this.shardClosed = true;
    }
    return records.length;
  }

  private async iterator(arn: string, shard: ShardState): Promise<string | undefined> {
    const out = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: shard.id,
        ...(shard.after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.after }
          : { ShardIteratorType: shard.start }),
      }),
    );
    return out.ShardIterator;
  }

  /** Bounded retries with capped exponential backoff; then the event is logged and passed over, as a DLQ would take it. */
  private async hand(what: string, work: () => Promise<unknown>): Promise<void> {
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return;
      } catch (error) {
        if (attempt >= attempts || !this.running) {
          this.options.log?.(
            `event delivery: gave up on ${what} after ${attempt} attempts: ${(error as Error).message}`,
          );
          return;
        }
        await this.pause(Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
      }
    }
  }

  private settle(round: number): void {
    const ready = this.waiters.filter((w) => w.after < round);
    this.waiters = this.waiters.filter((w) => w.after >= round);
    for (const w of ready) w.resolve();
  }

  /** A sleep that `stop()` cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/**
 * The Streams client (3.1141) deserialises an empty map `{ M: {} }` as `{}`, which `unmarshall` rejects; an
 * attribute value with no member can only have been an empty map.
 */
function repairEmptyMaps(image: Record<string, unknown>): Record<string, unknown> {
  const repair = (value: unknown): unknown => {
    const v = value as { M?: Record<string, unknown>; L?: unknown[] };
    if (typeof v !== 'object' || v === null) return value;
    if (Object.keys(v).length === 0) return { M: {} };
    if (v.M) return { M: repairEmptyMaps(v.M) };
    if (v.L) return { L: v.L.map(repair) };
    return value;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, repair(v)]));
}

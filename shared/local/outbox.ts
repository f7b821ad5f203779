/** The local stand-in for e-mail: each message appended to `${DATA_DIR}/outbox.jsonl`, to read or tail. */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SendMail } from '../usecases/email.js';

export const outboxFile = (dataDir: string) => join(dataDir, 'outbox.jsonl');

export const outboxSender =
  (dataDir: string): SendMail =>
  async (mail) => {
    await appendFile(outboxFile(dataDir), `${JSON.stringify({ at: new Date().toISOString(), ...mail })}\n`);
  };

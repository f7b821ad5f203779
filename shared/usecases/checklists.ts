/**
 * The documents a step needs (API.md: `register` on a pledge, `pay`/`settle` on a claim). A step reads its subject's
 * document links before it runs and checks them in its rule; its transaction then holds each document it counted
 * in place, so a deletion committed meanwhile fails the step (409, retry) instead of letting it pass without it.
 */
import {
  assertChecklist,
  CHECKLISTS,
  type ChecklistAction,
  type DocumentSubject,
  usableForChecklist,
} from '../domain/document.js';
import { conflict } from '../domain/errors.js';
import { documentLinksOf } from '../store/document-links.js';
import { documentLinkKey } from '../store/keys.js';
import type { ConditionsFailed, TxItem } from '../store/toolkit.js';
import type { UseCaseContext } from './context.js';

export interface Checklist {
  /** 422 `document_missing` naming each missing kind; else the writes that keep the counted documents in place. */
  writes(): TxItem[];
  onFailed(failure: ConditionsFailed): Error | undefined;
}

/**
 * Starts reading a subject's checklist at once, to overlap the step's own first read; the step awaits it in its
 * rule. A step refused before that (404, 403) never awaits it, so its failure is caught here rather than left
 * unhandled.
 */
export function startChecklist(
  uc: UseCaseContext,
  action: ChecklistAction,
  subject: DocumentSubject,
): Promise<Checklist> {
  const reading = readChecklist(uc, action, subject);
  reading.catch(() => {});
  return reading;
}

async function readChecklist(
  uc: UseCaseContext,
  action: ChecklistAction,
  subject: DocumentSubject,
): Promise<Checklist> {
  const links = await documentLinksOf(uc.store, subject);
  const scanned = uc.storage?.scanned ?? false;
  return {
    writes() {
      assertChecklist(action, links, scanned);
      const counted = CHECKLISTS[action].map((kind) =>
        links.find((l) => l.kind === kind && usableForChecklist(l, scanned)),
      );
      return counted.map((link) => ({
        tag: 'checklist',
        write: uc.store.check(documentLinkKey(subject, link!.id), {
          expression: '#status = :available AND #version = :version',
          names: { '#status': 'status', '#version': 'version' },
          values: { ':available': 'available', ':version': link!.version },
        }),
      }));
    },
    onFailed: (failure) =>
      failure.has('checklist')
        ? conflict('A document this step needs changed meanwhile; reload and retry.')
        : undefined,
  };
}

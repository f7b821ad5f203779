import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../domain/errors.js';
import type { Institution, InstitutionKind } from '../domain/institution.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { isConditionFailure } from './store-errors.js';

export const institutionKey = (id: string) => ({ pk: `INST#${id}`, sk: 'INST' });

const indexKeys = (i: Institution) => ({
  gsi2pk: `INSTITUTIONS#${i.kind}`,
  gsi2sk: i.id,
  gsi3pk: 'INSTITUTIONS',
  gsi3sk: i.id,
});

export class InstitutionRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Institution | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: institutionKey(id) }));
    return out.Item ? toResource<Institution>(out.Item) : undefined;
  }

  /**
   * Writes the institution if it is still at `previousVersion` (0 = must not exist yet). A concurrent
   * writer that got there first makes this a 409 rather than a lost update.
   */
  async save(institution: Institution, previousVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...institutionKey(institution.id),
            entity: 'institution',
            ...indexKeys(institution),
            ...institution,
          },
          ...(previousVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previousVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw conflict('The institution was changed concurrently; reload and retry.');
      throw error;
    }
  }

  async list(kind: InstitutionKind | undefined, page: PageRequest): Promise<Page<Institution>> {
    return queryPage<Institution>({
      db: this.db,
      tableName: this.tableName,
      ...(kind
        ? { index: 'gsi2', partition: `INSTITUTIONS#${kind}` }
        : { index: 'gsi3', partition: 'INSTITUTIONS' }),
      page,
    });
  }
}

import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Enterprise } from '../domain/enterprise.js';
import { conflict } from '../domain/errors.js';
import { type Page, type PageRequest, queryPage } from './query-page.js';
import { toResource } from './records.js';
import { isConditionFailure } from './store-errors.js';

export const enterpriseKey = (uscc: string) => ({ pk: `ENT#${uscc}`, sk: 'ENT' });

/** The IP office's list of every enterprise, ordered by USCC. */
export const ENTERPRISES_PARTITION = 'ENTERPRISES';

export class EnterpriseRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(uscc: string): Promise<Enterprise | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: enterpriseKey(uscc) }));
    return out.Item ? toResource<Enterprise>(out.Item) : undefined;
  }

  /**
   * Writes the enterprise if it is still at `previousVersion` (0 = must not exist yet), so two concurrent
   * writers never silently overwrite each other: the loser gets a 409.
   */
  async save(enterprise: Enterprise, previousVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...enterpriseKey(enterprise.uscc),
            entity: 'enterprise',
            gsi3pk: ENTERPRISES_PARTITION,
            gsi3sk: enterprise.uscc,
            ...enterprise,
          },
          ...(previousVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': previousVersion } }),
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw conflict('The enterprise was changed concurrently; reload and retry.');
      throw error;
    }
  }

  async list(page: PageRequest): Promise<Page<Enterprise>> {
    return queryPage<Enterprise>({
      db: this.db,
      tableName: this.tableName,
      index: 'gsi3',
      partition: ENTERPRISES_PARTITION,
      page,
    });
  }
}

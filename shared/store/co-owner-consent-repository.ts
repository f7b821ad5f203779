import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Asset, CoOwnerConsent } from '../domain/asset.js';
import { conflict, notFound, preconditionFailed } from '../domain/errors.js';
import { assetKey } from './asset-repository.js';
import { isConditionFailure } from './store-errors.js';

/**
 * Co-owners' consents to pledging, kept on the asset item (`coOwnerConsents.<uscc>`). Every change is
 * conditional on the version that was read, and bumps it, so a submission that read the asset at version v
 * (and holds it under `version = :v`) can never slip past a revocation that happened after its read.
 */
export class CoOwnerConsentRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(
    asset: Asset,
    uscc: string,
    consent: CoOwnerConsent,
    ifMatch: number | undefined,
  ): Promise<number> {
    const consents = { ...asset.coOwnerConsents, [uscc]: consent };
    return this.write(
      asset,
      'SET coOwnerConsents = :consents, version = :next, updatedAt = :now',
      { ':consents': consents },
      'attribute_exists(pk) AND version = :v',
      consent.recordedAt,
      ifMatch,
    );
  }

  /** Refused while a pledge holds the asset: the consent is part of what the pledge rests on. */
  async revoke(asset: Asset, uscc: string, now: string, ifMatch: number | undefined): Promise<number> {
    return this.write(
      asset,
      'REMOVE coOwnerConsents.#uscc SET version = :next, updatedAt = :now',
      {},
      'attribute_exists(pk) AND version = :v AND attribute_not_exists(encumbrance)',
      now,
      ifMatch,
      { '#uscc': uscc },
    );
  }

  private async write(
    asset: Asset,
    update: string,
    values: Record<string, unknown>,
    condition: string,
    now: string,
    ifMatch: number | undefined,
    names?: Record<string, string>,
  ): Promise<number> {
    const next = asset.version + 1;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: assetKey(asset.id),
          UpdateExpression: update,
          ConditionExpression: condition,
          ...(names ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: { ...values, ':v': asset.version, ':next': next, ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return next;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // The item as it was when the condition failed (marshalled: errors bypass the document client).
      const old = (error as { Item?: { version?: { N?: string }; encumbrance?: unknown } }).Item;
      if (!old) throw notFound(`Asset ${asset.id}`);
      const currentVersion = Number(old.version?.N);
      if (currentVersion === asset.version && old.encumbrance !== undefined)
        throw conflict('A pledge holds the asset; a co-owner consent cannot be revoked while it does.');
      if (ifMatch !== undefined) throw preconditionFailed(currentVersion);
      throw conflict('The asset was changed concurrently; reload and retry.');
    }
  }
}

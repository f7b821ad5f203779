import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SEARCHED_ITEMS } from '../shared/store/stream-records.js';
import { type FunctionSettings, PortalFunction } from './portal-function.js';

/** The mapping's filter: changes (insert, modify, remove) of enterprise, right and pledge items only. */
export const SEARCHED_ITEM_FILTER = {
  dynamodb: { Keys: { sk: { S: Object.keys(SEARCHED_ITEMS) } } },
};

export interface SearchIndexerProps {
  table: dynamodb.ITable;
  functionEntry: (name: string) => string;
  settings: FunctionSettings;
  /** Where a batch that kept failing is recorded (its stream position): event delivery's failure queue. */
  failures: sqs.IQueue;
}

/**
 * The search index's writer (see shared/usecases/search.ts): a second event-source mapping on the table's stream,
 * beside event delivery's, filtered to the items search follows. Lambda event-source mappings on DynamoDB Streams
 * with filters are offered in every region, China's included.
 */
export class SearchIndexer extends Construct {
  readonly indexer: PortalFunction;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: SearchIndexerProps) {
    super(scope, id);
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('The search indexer needs the table’s stream.');
    this.indexer = new PortalFunction(this, 'Indexer', {
      entry: props.functionEntry('search-indexer'),
      description: 'Keeps the search index of enterprises, rights and pledges',
      serviceName: 'search-indexer',
      table: props.table,
      settings: props.settings,
      tableAccess: 'readWrite',
      timeout: Duration.seconds(60),
      memorySize: 512,
    });
    this.indexer.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [streamArn],
      }),
    );
    const mapping = new lambda.EventSourceMapping(this, 'StreamMapping', {
      target: this.indexer.function,
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      filters: [lambda.FilterCriteria.filter(SEARCHED_ITEM_FILTER)],
      reportBatchItemFailures: true,
      retryAttempts: 5,
      maxRecordAge: Duration.hours(12),
      onFailure: new SqsDlq(props.failures),
    });
    mapping.node.addDependency(this.indexer.role);
    this.alarms = [this.indexer.errorsAlarm, this.indexer.throttlesAlarm];
  }
}

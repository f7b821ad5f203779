import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER, ORIGIN_VERIFY_SECRET_ENV } from '../shared/runtime/origin-verify.js';
import type { PortalFunction } from './portal-function.js';

/**
 * The secret CloudFront sends to the API origin and the API function checks (shared/runtime/origin-verify.ts says
 * why a header rather than disabling the execute-api endpoint). Secrets Manager is offered in both China regions.
 */
export class OriginVerify extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description:
        'IP finance portal: the header CloudFront adds to API requests (the API refuses any without it)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront receives the value at deploy time (a dynamic reference in its origin header), so a rotation Lambda would break every API call until the next deploy; it is rotated by putting a new value and redeploying, and the API function re-reads it every five minutes.',
    });
  }

  /** What CloudFront adds to every request to the API origin: the header and a dynamic reference to the value. */
  get originHeader(): { header: string; value: string } {
    return { header: ORIGIN_VERIFY_HEADER, value: this.secret.secretValue.unsafeUnwrap() };
  }

  /** The API function reads the secret (and may read nothing else of Secrets Manager). */
  enforceOn(fn: PortalFunction): void {
    this.secret.grantRead(fn.role);
    fn.function.addEnvironment(ORIGIN_VERIFY_SECRET_ENV, this.secret.secretArn);
  }
}

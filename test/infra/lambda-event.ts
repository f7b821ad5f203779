/** A minimal API Gateway HTTP API (payload 2.0) event and Lambda context, as the gateway sends them. */
export function httpApiEvent(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; requestId?: string } = {},
) {
  const requestId = options.requestId ?? 'api-req-1';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.test', ...options.headers } as Record<string, string>,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authentication: null,
      authorizer: {},
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: '27/Nov/2026:04:00:00 +0000',
      timeEpoch: 1_795_752_000_000,
    },
    body: options.body ?? null,
    isBase64Encoded: false,
  };
}

export const lambdaContext = (awsRequestId = 'lambda-req-1') => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'portal-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:portal-api',
  memoryLimitInMB: '1024',
  awsRequestId,
  logGroupName: '/aws/lambda/portal-api',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 10_000,
});

/** The custom EventBridge bus the domain events travel on: names shared by the CDK stack and the Lambdas. */
export const EVENT_SOURCE = 'ip-portal';
export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';

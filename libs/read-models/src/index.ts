/** Projections, their tables and queries (the read side). */
export * from './runner/projection';
export * from './runner/projection-runner';
export * from './runner/batches';
export { Projections1764000001000 } from './runner/1764000001000-projections.migration';
export * from './customer-directory/customer-directory.projection';
export * from './customer-directory/customer-directory.query';
export { CustomerDirectory1764000002000 } from './customer-directory/1764000002000-customer-directory.migration';

import { customerDirectoryProjection } from './customer-directory/customer-directory.projection';
/** Every projection the projector runs. */
export const PROJECTIONS = [customerDirectoryProjection];
export * from './runner/read-model-position';

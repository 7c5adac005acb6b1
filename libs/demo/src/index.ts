export * from './seed';
export * from './seed-runner';
export { DEMO_PRODUCTS, demoBank, type DemoProduct } from './demo-bank';
export { bankOrg } from './bank-org';
export { syntheticBatches, syntheticHistory, type SyntheticOptions } from './synthetic-history';
export { planPdf } from './plan-document';

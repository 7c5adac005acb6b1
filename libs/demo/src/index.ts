export * from './seed';
export * from './seed-runner';
export { DEMO_PRODUCTS, demoBank, type DemoProduct } from './demo-bank';
export { syntheticBatches, syntheticHistory } from './synthetic-history';
export { planPdf } from './plan-document';

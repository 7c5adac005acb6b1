export * from './document-type';
export * from './plan-documents';

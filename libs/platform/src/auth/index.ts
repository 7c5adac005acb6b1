export * from './credentials';
export * from './lockout';
export * from './passwords';
export * from './sessions';

export * from './credentials';
export * from './lockout';
export * from './passwords';
export * from './sessions';
export * from './sign-in-throttle';

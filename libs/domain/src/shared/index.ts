export * from './money';
export * from './time';
export * from './types';
export * from './calendar';
export * from './decimal';

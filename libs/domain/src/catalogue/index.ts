export { checkEventData, currentSchemaVersion, upcastData, UPCAST_TYPES, type DataProblem } from './catalogue';
export type { CatalogueEvent, EventType } from './event-types';

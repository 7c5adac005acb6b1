export { checkEventData, currentSchemaVersion, EVENT_TYPES, upcastData, UPCAST_TYPES, type DataProblem } from './catalogue';
export type { CatalogueEvent, EventType } from './event-types';
export { LEGACY_FREE_TEXT, moveFreeTextToNote, withoutFreeText, type FreeTextMoved, type LegacyFreeText } from './legacy-free-text';

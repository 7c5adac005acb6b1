/** Projections, their TypeORM entities and queries (the read side). */
export {};

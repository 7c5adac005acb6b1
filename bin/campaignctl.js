#!/usr/bin/env node
'use strict';
// `npx campaignctl …` right after `npm install`: the CLI runs from dist/, which `npm run build`
// (swc, about a second) makes. When it is missing — a fresh checkout — build it first, once.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const main = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('campaignctl: first run, building (npm run build)…\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const built = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0 || !existsSync(main)) {
    process.stderr.write('campaignctl: the build failed; run `npm install` and then `npm run build` in the checkout\n');
    process.exit(1);
  }
}
require(main);

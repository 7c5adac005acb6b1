#!/usr/bin/env node
import 'reflect-metadata';
import { boundHeapGrowth } from '@app/platform';
import { runCli } from './program';

// The old generation grows to at most twice what is alive (a rebuild's peak RSS: libs/platform/src/heap.ts).
boundHeapGrowth();

// `bench` keeps running after its action returns (it manages its own exit).
void runCli(process.argv.slice(2)).then((code) => {
  if (!process.argv.includes('bench') || code !== 0) process.exit(code);
});

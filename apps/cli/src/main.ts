#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './program';

// `bench` keeps running after its action returns (it manages its own exit).
void runCli(process.argv.slice(2)).then((code) => {
  if (!process.argv.includes('bench') || code !== 0) process.exit(code);
});

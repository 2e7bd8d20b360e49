#!/usr/bin/env node
// Entry point of the installed `child-spec` command: loads the TypeScript
// sources through tsx, so that no build step stands between a clone and a run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

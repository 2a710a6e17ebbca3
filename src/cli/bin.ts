#!/usr/bin/env node
/** The `rewardkit` executable: runs the CLI and sets the exit code. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));

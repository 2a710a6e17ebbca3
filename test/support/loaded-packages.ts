/**
 * Run by test/lazy-packages.test.ts in a process of its own (`node --import tsx`): imports the module given as the
 * first argument and prints, as JSON, how many files of each named package (the rest of the arguments) that loaded.
 * ioredis and BullMQ are CommonJS, so every file of theirs that loads is in the require cache.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [modulePath, ...packages] = process.argv.slice(2);
await import(pathToFileURL(modulePath!).href);
const loaded = Object.keys(createRequire(import.meta.url).cache);
const counts = Object.fromEntries(packages.map((name) => [name, loaded.filter((path) => path.includes(`/node_modules/${name}/`)).length]));
process.stdout.write(JSON.stringify(counts));

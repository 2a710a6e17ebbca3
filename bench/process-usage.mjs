// Preloaded into a benchmarked child process (node --import ./bench/process-usage.mjs …): when the process exits it
// writes, as the last line on stderr, its CPU time (every thread's: user + system) and its peak resident memory, so
// a bench can report what the command cost as a user runs it.
process.on('exit', () => {
  const cpu = process.cpuUsage();
  process.stderr.write(
    `\nPROCESS-USAGE ${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
});

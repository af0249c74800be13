/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, or the benchmark's BENCH_NODE_FLAGS): self time by
 * function, and the inclusive time of the functions named on the command line (a sample counts once
 * for a name however often the name is on its stack; a trailing `*` matches a prefix).
 * The times are wall time sampled on the thread: on a loaded machine, time the thread spent waiting for
 * a core shows up in whatever it was running, often a call that woke another thread (`postMessage`).
 *
 *   node scripts/profile-summary.mjs FILE.cpuprofile [--top N] [--under NAME] [NAME...]
 *
 * `--under NAME` lists self time by function among the samples whose stack holds NAME.
 */
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args.shift();
if (!file) {
  console.error('usage: node scripts/profile-summary.mjs FILE.cpuprofile [--top N] [--under NAME] [NAME...]');
  process.exit(2);
}
let top = 30;
let under;
const names = [];
while (args.length) {
  const a = args.shift();
  if (a === '--top') top = Number(args.shift());
  else if (a === '--under') under = args.shift();
  else names.push(a);
}

const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${(n.callFrame.url || '').split('/').pop()}:${n.callFrame.lineNumber + 1}`;
const stackOf = (id) => {
  const out = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) out.push(nodes.get(cur).callFrame.functionName);
  return out;
};
const matches = (pattern, name) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern);
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;

const samples = profile.samples.map((id, i) => ({ id, us: profile.timeDeltas[i] ?? 0 }));
const total = samples.reduce((sum, s) => sum + s.us, 0);
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;

function selfTimes(filter) {
  const byLabel = new Map();
  for (const s of samples) {
    if (filter && !filter(s.id)) continue;
    const key = label(nodes.get(s.id));
    byLabel.set(key, (byLabel.get(key) ?? 0) + s.us);
  }
  return [...byLabel].sort((a, b) => b[1] - a[1]);
}

console.log(`${file}: ${(total / 1000).toFixed(0)} ms in ${samples.length} samples`);
console.log('self time');
for (const [key, us] of selfTimes().slice(0, top)) console.log(`${ms(us)} ${pct(us)}  ${key}`);
if (names.length) {
  console.log('inclusive time');
  for (const name of names) {
    const us = samples.filter((s) => stackOf(s.id).some((f) => matches(name, f))).reduce((sum, s) => sum + s.us, 0);
    console.log(`${ms(us)} ${pct(us)}  ${name}`);
  }
}
if (under) {
  const inside = (id) => stackOf(id).some((f) => matches(under, f));
  const rows = selfTimes(inside);
  console.log(`self time under ${under}: ${(rows.reduce((sum, r) => sum + r[1], 0) / 1000).toFixed(0)} ms`);
  for (const [key, us] of rows.slice(0, top)) console.log(`${ms(us)} ${pct(us)}  ${key}`);
}

/**
 * Loaded with `node --require` before the server or the CLI: wraps Node's network, process and
 * file-write functions so that each call is recorded (one JSON line in the file named by
 * ISTIO_EGRESS_SAFETY_LOG, written with the original function) and then refused with an error.
 * The safety test reads that file; nothing here is part of the product.
 */
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import dgram from 'node:dgram';
import childProcess from 'node:child_process';

const log = process.env.ISTIO_EGRESS_SAFETY_LOG;
if (!log) throw new Error('ISTIO_EGRESS_SAFETY_LOG is not set');
// Opened before anything is wrapped, and written with writeSync, which calls no other fs function.
const fd = fs.openSync(log, 'a');
const writeSync = fs.writeSync.bind(fs);
const record = (what: string, args: unknown[]) => {
  const shown = args.map((a) => (typeof a === 'string' || typeof a === 'number' ? a : typeof a));
  writeSync(fd, `${JSON.stringify({ pid: process.pid, what, args: shown })}\n`);
};
record('loaded', [process.argv.slice(1).join(' ')]);

type Target = Record<string, unknown>;
function intercept(target: Target, name: string, label: string, when: (args: unknown[]) => boolean = () => true): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  target[name] = function (this: unknown, ...args: unknown[]) {
    if (!when(args)) return (original as (...a: unknown[]) => unknown).apply(this, args);
    record(label, args);
    throw new Error(`${label} refused by the safety test`);
  };
}

const WRITE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND;
const opensForWriting = (args: unknown[]) => {
  const flags = args[1];
  if (typeof flags === 'number') return (flags & WRITE_FLAGS) !== 0;
  return typeof flags === 'string' && !/^(r|rs|sr)$/.test(flags);
};

const fsWrites = ['writeFile', 'appendFile', 'createWriteStream', 'mkdir', 'mkdtemp', 'rm', 'rmdir', 'unlink', 'rename', 'copyFile', 'cp'];
const fsWritesMore = ['symlink', 'link', 'truncate', 'chmod', 'chown', 'utimes', 'lchown', 'lutimes'];
for (const name of [...fsWrites, ...fsWritesMore]) {
  intercept(fs, name, `fs.${name}`);
  intercept(fs, `${name}Sync`, `fs.${name}Sync`);
  intercept(fs.promises, name, `fs.promises.${name}`);
}
intercept(fs, 'open', 'fs.open for writing', opensForWriting);
intercept(fs, 'openSync', 'fs.openSync for writing', opensForWriting);
intercept(fs.promises, 'open', 'fs.promises.open for writing', opensForWriting);

for (const name of ['connect', 'createConnection']) intercept(net, name, `net.${name}`);
intercept(net.Socket.prototype as unknown as Target, 'connect', 'net.Socket.connect');
intercept(tls, 'connect', 'tls.connect');
for (const name of ['request', 'get']) {
  intercept(http, name, `http.${name}`);
  intercept(https, name, `https.${name}`);
}
for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt', 'reverse']) {
  intercept(dns, name, `dns.${name}`);
  intercept(dns.promises, name, `dns.promises.${name}`);
}
intercept(dgram, 'createSocket', 'dgram.createSocket');
intercept(globalThis, 'fetch', 'fetch');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) intercept(childProcess, name, `child_process.${name}`);

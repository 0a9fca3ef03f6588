#!/usr/bin/env node
// The seed's design (shared/seeds/: master.js, fib.js, log.js) written for
// speed by someone who knows Node.js well: the strongest Node.js peer here.
// A master forks the compute workers and one log process; it parses the
// input, sends each worker batches of tasks, several batches in flight, and
// relays every batch of results to the log process, which writes it.
// Siblings never talk to each other; a worker that dies is replaced and the
// batches it had not answered are sent again (the seed's "process guard").
// Only Node's standard library.
//
//   node node_farm.js INPUT OUTPUT [--workers=1] [--batch=1000]
//                     [--inflight=4] [--transport=pipe|ipc]
//
// What makes it fast, against the tutorial's literal design (node_seed.js):
//  - batches: --batch tasks a message (one message per batch each way, not
//    one per task), --inflight batches in flight per worker, so the worker
//    never waits for the master;
//  - compact messages, no object per task or record: a task batch is the
//    first id and a Uint8Array of the N values (ids are consecutive); a
//    result batch is the finished output text of its records, built once by
//    the worker with one template string per record;
//  - the master relays result batches to the log process without decoding
//    them, and the log process writes each with one write();
//  - transport: `pipe` (default) sends length-prefixed binary frames over
//    the children's stdin/stdout pipes: no serialisation at all. `ipc`
//    uses child_process.fork's channel with serialization: 'advanced'
//    (V8's structured clone, which carries typed arrays and Buffers as
//    bytes rather than as JSON arrays);
//  - the children are forked first, and the input is parsed while they
//    start (a Node.js process takes ~40 ms to start);
//  - fib(N) is exact, from a table up to fib(93) as in taskfarm's own fib
//    task, BigInt beyond; elapsed_us is measured around it with
//    performance.now().
//
// INPUT: one task per line, `fib N` (0 <= N <= 255). OUTPUT: one JSON
// record per task per line, {"id","task","args","status","result","worker",
// "attempts","elapsed_us"}, id = input line number from 1, in completion
// order. A bad line: FILE:LINE: message, exit 2, nothing run.
'use strict';

const { fork } = require('node:child_process');
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');


// ------------------------------------------------------------- framing
// pipe transport, both ways: [u32 payload bytes][u32 a][u32 b][payload].
// master -> worker: a = first id, b = count, payload = count N bytes.
// worker -> master: a = first id, b = count, payload = the records' text.
const HEADER = 12;

function frame(a, b, payload) {
  const buf = Buffer.allocUnsafe(HEADER + payload.length);
  buf.writeUInt32LE(payload.length, 0);
  buf.writeUInt32LE(a, 4);
  buf.writeUInt32LE(b, 8);
  buf.set(payload, HEADER);
  return buf;
}

// Calls onFrame(a, b, payload) for every whole frame read from `stream`.
function readFrames(stream, onFrame) {
  let pending = null;  // bytes of an unfinished frame
  stream.on('data', (chunk) => {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    while (buf.length - at >= HEADER) {
      const size = buf.readUInt32LE(at);
      if (buf.length - at < HEADER + size) break;
      onFrame(buf.readUInt32LE(at + 4), buf.readUInt32LE(at + 8),
              buf.subarray(at + HEADER, at + HEADER + size));
      at += HEADER + size;
    }
    pending = at === buf.length ? null : buf.subarray(at);
  });
}

// ---------------------------------------------------------------- master

function usage(message) {
  if (message) console.error(`node_farm: ${message}`);
  console.error('usage: node node_farm.js INPUT OUTPUT [--workers=N] ' +
                '[--batch=B] [--inflight=K] [--transport=pipe|ipc]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { workers: 1, batch: 1000, inflight: 4, transport: 'pipe' };
  const files = [];
  for (const arg of argv) {
    const m = /^--(workers|batch|inflight)=(\d+)$/.exec(arg);
    const t = /^--transport=(pipe|ipc)$/.exec(arg);
    if (m) {
      options[m[1]] = Number(m[2]);
      if (options[m[1]] < 1) usage(`${arg}: must be at least 1`);
    } else if (t) {
      options.transport = t[1];
    } else if (arg.startsWith('-')) {
      usage(`unknown option ${arg}`);
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 2) usage('need INPUT and OUTPUT');
  [options.input, options.output] = files;
  return options;
}

// Parses `fib N` lines (spaces or tabs around, N <= 255) into a Uint8Array
// of N values, one per line; a bad line is FILE:LINE, exit 2.
function readTasks(path) {
  let text;
  try {
    text = fs.readFileSync(path);
  } catch (err) {
    console.error(`node_farm: ${err.message}`);
    process.exit(2);
  }
  const ns = new Uint8Array(text.length >> 1);  // a line is >= 2 bytes
  let count = 0;
  let i = 0;
  const bad = (line) => {
    console.error(`${path}:${line}: expected \`fib N\` with 0 <= N <= 255`);
    process.exit(2);
  };
  while (i < text.length) {
    while (text[i] === 32 || text[i] === 9) i++;
    if (text[i] !== 102 || text[i + 1] !== 105 || text[i + 2] !== 98 ||
        (text[i + 3] !== 32 && text[i + 3] !== 9)) {
      bad(count + 1);
    }
    i += 3;
    while (text[i] === 32 || text[i] === 9) i++;
    let n = 0;
    let digits = 0;
    while (text[i] >= 48 && text[i] <= 57 && digits < 4) {
      n = n * 10 + text[i] - 48;
      i++;
      digits++;
    }
    while (text[i] === 32 || text[i] === 9 || text[i] === 13) i++;
    if (digits === 0 || n > 255 || (i < text.length && text[i] !== 10)) {
      bad(count + 1);
    }
    i++;  // the newline
    ns[count++] = n;
  }
  return ns.subarray(0, count);
}

function runMaster(argv) {
  const options = parseArgs(argv);
  const pipe = options.transport === 'pipe';
  // The children start while the input is read.
  const logStdio = pipe ? ['pipe', 'inherit', 'inherit', 'ipc'] : undefined;
  const log = fork(__filename, ['--role=log', options.output, options.transport],
                   { stdio: logStdio, serialization: 'advanced' });
  const workers = [];
  for (let i = 0; i < options.workers; i++) workers.push(startWorker());

  const ns = readTasks(options.input);
  const total = ns.length;
  let next = 0;        // index of the next task not sent yet
  const retry = [];    // [first, count] batches of dead workers
  let done = 0;        // results relayed to the log process
  let finished = false;

  log.on('exit', (code, signal) => {
    if (code !== 0) {
      console.error(`node_farm: log process exited (${signal || code})`);
      process.exit(1);
    }
  });

  function nextBatch() {
    if (retry.length) return retry.shift();
    if (next >= total) return undefined;
    const count = Math.min(options.batch, total - next);
    const batch = [next + 1, count];  // ids from 1
    next += count;
    return batch;
  }

  function feed(worker) {
    while (worker.sent.length < options.inflight) {
      const batch = nextBatch();
      if (batch === undefined) return;
      const [first, count] = batch;
      const values = ns.subarray(first - 1, first - 1 + count);
      worker.sent.push(batch);
      if (pipe) {
        worker.stdin.write(frame(first, count, values));
      } else {
        worker.send([first, values]);
      }
    }
  }

  function onResults(worker, count, text) {
    worker.sent.shift();  // a worker answers its batches in order
    if (pipe) {
      log.stdin.write(text);
    } else {
      log.send(text);
    }
    done += count;
    if (done === total) {
      finish();
    } else {
      feed(worker);
    }
  }

  function startWorker() {
    const worker = fork(__filename, ['--role=worker', options.transport], {
      stdio: pipe ? ['pipe', 'pipe', 'inherit', 'ipc'] : undefined,
      serialization: 'advanced',
    });
    worker.sent = [];  // batches sent and not answered yet, oldest first
    if (pipe) {
      readFrames(worker.stdout, (first, count, text) =>
        onResults(worker, count, text));
    } else {
      worker.on('message', ([count, text]) => onResults(worker, count, text));
    }
    // The process guard: a worker that dies before the end is replaced and
    // the batches it had not answered go to the next free worker. 'close',
    // not 'exit': by then every result it wrote has been read and relayed,
    // so none is sent twice.
    worker.on('close', (code, signal) => {
      if (finished) return;
      console.error(`node_farm: worker ${worker.pid} died ` +
                    `(${signal || code}), starting another`);
      retry.push(...worker.sent);
      const replacement = startWorker();
      workers.splice(workers.indexOf(worker), 1, replacement);
      feed(replacement);
    });
    return worker;
  }

  function finish() {
    finished = true;
    for (const worker of workers) {
      if (pipe) worker.stdin.end();
      if (worker.connected) worker.disconnect();
    }
    if (pipe) {
      log.stdin.end();
      if (log.connected) log.disconnect();
    } else {
      log.send('end');
    }
  }

  for (const worker of workers) feed(worker);
  if (total === 0) finish();
}

// ---------------------------------------------------------------- worker

// fib(n), exact, as a decimal string. As taskfarm's own fib task does
// (tasks/library/fib.cc: a table up to fib(93), the largest that fits in 64
// bits), the values up to FIB_TABLE_MAX come from a table the worker builds
// at start; larger N are computed with BigInt.
const FIB_TABLE_MAX = 93;
const FIB_TABLE = (() => {
  const table = [];
  for (let i = 0, a = 0n, b = 1n; i <= FIB_TABLE_MAX; i++, [a, b] = [b, a + b]) {
    table.push(a.toString());
  }
  return table;
})();

function fib(n) {
  if (n <= FIB_TABLE_MAX) return FIB_TABLE[n];
  let a = 0n;
  let b = 1n;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a.toString();
}

// The output text of tasks first .. first + values.length - 1.
function runBatch(first, values, pid) {
  let text = '';
  for (let i = 0; i < values.length; i++) {
    const n = values[i];
    const start = performance.now();
    const result = fib(n);
    const us = Math.floor((performance.now() - start) * 1000);
    text += `{"id":${first + i},"task":"fib","args":[${n}],"status":"ok",` +
            `"result":"${result}","worker":${pid},"attempts":1,` +
            `"elapsed_us":${us}}\n`;
  }
  return text;
}

function runWorker(transport) {
  const pid = process.pid;
  if (transport === 'pipe') {
    readFrames(process.stdin, (first, count, values) => {
      const text = Buffer.from(runBatch(first, values, pid), 'latin1');
      process.stdout.write(frame(first, count, text));
    });
    // The master ends stdin when the batch is done; the worker then exits.
    process.stdin.on('end', () => {
      if (process.connected) process.disconnect();
    });
  } else {
    process.on('message', ([first, values]) => {
      process.send([values.length,
                    Buffer.from(runBatch(first, values, pid), 'latin1')]);
    });
  }
}

// ---------------------------------------------------------------- logger

function runLogger(path, transport) {
  let fd;
  try {
    fd = fs.openSync(path, 'w');
  } catch (err) {
    console.error(`node_farm: log process: ${err.message}`);
    process.exit(1);
  }
  // One write per result batch. Synchronous: the log process has nothing
  // else to do, and a regular file does not block for long.
  const write = (bytes) => {
    for (let at = 0; at < bytes.length;) {
      at += fs.writeSync(fd, bytes, at, bytes.length - at);
    }
  };
  const close = () => {
    fs.closeSync(fd);
    if (process.connected) process.disconnect();
  };
  if (transport === 'pipe') {
    process.stdin.on('data', write);
    process.stdin.on('end', close);
  } else {
    process.on('message', (message) => {
      if (message === 'end') close();
      else write(message);
    });
  }
}

// ------------------------------------------------------------------ main

const role = process.argv[2];
if (role === '--role=worker') {
  runWorker(process.argv[3]);
} else if (role === '--role=log') {
  runLogger(process.argv[3], process.argv[4]);
} else {
  runMaster(process.argv.slice(2));
}

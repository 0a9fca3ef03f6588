#!/usr/bin/env node
// The TUTORIAL'S LITERAL DESIGN (shared/seeds/: master.js, fib.js, log.js),
// as a reader of those tutorials writes it for a real batch: a master forks
// N compute workers and one log process with child_process.fork, sends each
// worker one task per message over the IPC channel (default JSON
// serialisation), and relays every result message, a whole record object,
// to the log process, which writes it through an fs.WriteStream. Siblings
// never talk to each other; a worker that dies is replaced and its
// unfinished tasks are sent again (the seed's "process guard"). Only Node's
// standard library. It shows what the seed's design costs as written; the
// same design written for speed is node_farm.js, the peer to compare with.
//
//   node node_seed.js INPUT OUTPUT [--workers=1] [--inflight=1]
//
//   --inflight=1            one message in flight per worker: the seed as
//                           written
//   --inflight=64           up to 64 one-task messages in flight per worker
//
// INPUT: one task per line, `fib N`. OUTPUT: one JSON record per task per
// line, {"id","task","args","status","result","worker","attempts",
// "elapsed_us"}, id = input line number from 1. fib(90) exceeds 2^53, so the
// worker computes with BigInt and sends the result as a decimal string.
'use strict';

const { fork } = require('node:child_process');
const fs = require('node:fs');

const role = process.argv[2];
if (role === '--role=worker') {
  runWorker();
} else if (role === '--role=log') {
  runLogger(process.argv[3]);
} else {
  runMaster(process.argv.slice(2));
}

// ---------------------------------------------------------------- master

function usage(message) {
  if (message) console.error(`node_seed: ${message}`);
  console.error('usage: node node_seed.js INPUT OUTPUT [--workers=N] ' +
                '[--inflight=K]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { workers: 1, inflight: 1 };
  const files = [];
  for (const arg of argv) {
    const m = /^--(workers|inflight)=(\d+)$/.exec(arg);
    if (m) {
      options[m[1]] = Number(m[2]);
      if (options[m[1]] < 1) usage(`${arg}: must be at least 1`);
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

// Reads `fib N` lines into tasks {id, n}; a bad line is FILE:LINE, exit 2.
function readTasks(path) {
  let text;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    console.error(`node_seed: ${err.message}`);
    process.exit(2);
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const tasks = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*fib\s+(\d+)\s*$/.exec(lines[i]);
    const n = m ? Number(m[1]) : NaN;
    if (!(n <= 10000)) {
      console.error(`${path}:${i + 1}: expected \`fib N\` with 0 <= N <= 10000`);
      process.exit(2);
    }
    tasks[i] = { id: i + 1, n };
  }
  return tasks;
}

function runMaster(argv) {
  const options = parseArgs(argv);
  const tasks = readTasks(options.input);
  const total = tasks.length;
  const started = process.hrtime.bigint();

  const logWorker = fork(__filename, ['--role=log', options.output]);
  logWorker.on('exit', (code, signal) => {
    if (code !== 0) {
      console.error(`node_seed: log process exited (${signal || code})`);
      process.exit(1);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.error(`node_seed: ${total} tasks, ${options.workers} worker(s), ` +
                  `inflight=${options.inflight}: ` +
                  `${seconds.toFixed(3)} s after reading the input`);
  });

  let next = 0;        // next task in `tasks` not yet sent
  const retry = [];    // messages of dead workers, sent again first
  let done = 0;        // results relayed to the log process
  let finished = false;

  // A message is one task.
  function nextMessage() {
    if (retry.length) return retry.shift();
    if (next >= total) return undefined;
    return tasks[next++];
  }

  function feed(worker) {
    while (worker.sent.length < options.inflight) {
      const message = nextMessage();
      if (message === undefined) return;
      worker.sent.push(message);
      worker.send(message);
    }
  }

  function startWorker() {
    const worker = fork(__filename, ['--role=worker']);
    worker.sent = [];  // messages sent and not answered yet, oldest first
    worker.on('message', (result) => {
      worker.sent.shift();  // a worker answers its messages in order
      logWorker.send(result);
      done += 1;
      if (done === total) {
        finish();
      } else {
        feed(worker);
      }
    });
    // The process guard: a worker that dies before the end is replaced and
    // what it had not answered goes to the next free worker.
    worker.on('exit', (code, signal) => {
      if (finished) return;
      console.error(`node_seed: worker ${worker.pid} died ` +
                    `(${signal || code}), starting another`);
      retry.push(...worker.sent);
      workers.splice(workers.indexOf(worker), 1, startWorker());
    });
    feed(worker);
    return worker;
  }

  function finish() {
    finished = true;
    for (const worker of workers) worker.disconnect();
    logWorker.send('end');
  }

  const workers = [];
  for (let i = 0; i < options.workers; i++) workers.push(startWorker());
  if (total === 0) finish();
}

// ---------------------------------------------------------------- worker

function fib(n) {
  let a = 0n;
  let b = 1n;
  for (let i = 0; i < n; i++) {
    const sum = a + b;
    a = b;
    b = sum;
  }
  return a;
}

// Runs one task; returns its record, the output object.
function runTask(task) {
  const start = process.hrtime.bigint();
  const result = fib(task.n).toString();
  const elapsedUs = Number((process.hrtime.bigint() - start) / 1000n);
  return {
    id: task.id,
    task: 'fib',
    args: [task.n],
    status: 'ok',
    result,
    worker: process.pid,
    attempts: 1,
    elapsed_us: elapsedUs,
  };
}

// A message is one task {id, n}; the answer is its record.
function runWorker() {
  process.on('message', (task) => process.send(runTask(task)));
  // When the master disconnects, nothing is left to wait for: the process
  // exits by itself.
}

// ---------------------------------------------------------------- logger

function runLogger(path) {
  const out = fs.createWriteStream(path);
  out.on('error', (err) => {
    console.error(`node_seed: log process: ${err.message}`);
    process.exit(1);
  });
  process.on('message', (message) => {
    if (message === 'end') {
      // Everything is written once the stream has finished; then let go of
      // the channel and the process exits.
      out.end(() => process.disconnect());
    } else {
      out.write(JSON.stringify(message) + '\n');
    }
  });
}

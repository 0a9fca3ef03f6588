#!/usr/bin/env node
// The seed's design (shared/seeds/: master.js, fib.js, log.js), written the
// way a reader of those tutorials would write it for a real batch: a master
// forks N compute workers and one log process with child_process.fork, sends
// each worker tasks over the IPC channel, and relays every result to the log
// process, which writes it. Siblings never talk to each other; a worker that
// dies is replaced and its unfinished tasks are sent again (the seed's
// "process guard"). Only Node's standard library.
//
//   node node_seed.js INPUT OUTPUT [--workers=1] [--inflight=1] [--batch=1]
//                     [--compact]
//
//   --inflight=1            one task per message, one message in flight per
//                           worker: the seed as written
//   --inflight=64           up to 64 one-task messages in flight per worker
//   --batch=1000            1000 tasks per message and per result message
//                           (batched by hand); combines with --inflight
//                           (messages in flight per worker, default 1)
//   --compact               results travel as [id, n, result, pid, us]
//                           tuples and the log process builds the record,
//                           instead of whole record objects on every hop
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
  runWorker(process.argv[3]);
} else if (role === '--role=log') {
  runLogger(process.argv[3], process.argv[4]);
} else {
  runMaster(process.argv.slice(2));
}

// ---------------------------------------------------------------- master

function usage(message) {
  if (message) console.error(`node_seed: ${message}`);
  console.error('usage: node node_seed.js INPUT OUTPUT [--workers=N] ' +
                '[--inflight=K] [--batch=B]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { workers: 1, inflight: 1, batch: 1, compact: false };
  const files = [];
  for (const arg of argv) {
    const m = /^--(workers|inflight|batch)=(\d+)$/.exec(arg);
    if (arg === '--compact') {
      options.compact = true;
    } else if (m) {
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

  const mode = `${options.batch > 1 ? 'batch' : 'single'},` +
               `${options.compact ? 'compact' : 'objects'}`;
  const logWorker = fork(__filename, ['--role=log', options.output, mode]);
  logWorker.on('exit', (code, signal) => {
    if (code !== 0) {
      console.error(`node_seed: log process exited (${signal || code})`);
      process.exit(1);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.error(`node_seed: ${total} tasks, ${options.workers} worker(s), ` +
                  `inflight=${options.inflight} batch=${options.batch}` +
                  `${options.compact ? ' compact' : ''}: ` +
                  `${seconds.toFixed(3)} s after reading the input`);
  });

  let next = 0;        // next task in `tasks` not yet sent
  const retry = [];    // messages of dead workers, sent again first
  let done = 0;        // results relayed to the log process
  let finished = false;

  // A message is one task, or an array of tasks when batching.
  function nextMessage() {
    if (retry.length) return retry.shift();
    if (next >= total) return undefined;
    if (options.batch === 1) return tasks[next++];
    const message = tasks.slice(next, next + options.batch);
    next += message.length;
    return message;
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
    const worker = fork(__filename, ['--role=worker', mode]);
    worker.sent = [];  // messages sent and not answered yet, oldest first
    worker.on('message', (result) => {
      worker.sent.shift();  // a worker answers its messages in order
      logWorker.send(result);
      done += options.batch > 1 ? result.length : 1;
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

// Runs one task; returns its record: the output object, or with --compact
// the tuple [id, n, result, pid, elapsed_us] from which the log process
// builds it (less to serialise on each hop).
function runTask(task, compact) {
  const start = process.hrtime.bigint();
  const result = fib(task.n).toString();
  const elapsedUs = Number((process.hrtime.bigint() - start) / 1000n);
  if (compact) return [task.id, task.n, result, process.pid, elapsedUs];
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

// A message is one task {id, n} (the answer: one record) or, with --batch,
// an array of tasks (the answer: the array of their records).
function runWorker(mode) {
  const compact = mode.endsWith(',compact');
  process.on('message', (message) => {
    process.send(Array.isArray(message)
                     ? message.map((task) => runTask(task, compact))
                     : runTask(message, compact));
  });
  // When the master disconnects, nothing is left to wait for: the process
  // exits by itself.
}

// ---------------------------------------------------------------- logger

function runLogger(path, mode) {
  const batched = mode.startsWith('batch,');
  const toLine = mode.endsWith(',compact')
      ? ([id, n, result, pid, elapsedUs]) => JSON.stringify({
          id, task: 'fib', args: [n], status: 'ok', result, worker: pid,
          attempts: 1, elapsed_us: elapsedUs,
        }) + '\n'
      : (record) => JSON.stringify(record) + '\n';
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
    } else if (batched) {
      out.write(message.map(toLine).join(''));
    } else {
      out.write(toLine(message));
    }
  });
}

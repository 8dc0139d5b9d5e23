// Haraka queue plugin for the benchmark: each message to a file of its own (no fsync, as the
// Haraka figure of issue 9 was measured), 250 once the file is written.
const fs = require('fs');
const path = require('path');

exports.register = function () {
    this.dir = process.env.HARAKA_BENCH_DIR || '/tmp/haraka-bench-mail';
    fs.mkdirSync(this.dir, { recursive: true });
};

exports.hook_queue = function (next, connection) {
    const transaction = connection.transaction;
    const out = fs.createWriteStream(path.join(this.dir, transaction.uuid + '.eml'));
    out.on('finish', () => next(OK));
    out.on('error', () => next(DENYSOFT));
    transaction.message_stream.pipe(out);
};

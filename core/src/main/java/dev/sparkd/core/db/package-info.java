/**
 * The host's embedded PostgreSQL, used when {@code [database] url} is not set: one server per host, run by
 * {@code sparkd db} ({@link dev.sparkd.core.db.SupervisedPostgres}), with one schema and one role per daemon.
 *
 * <p>{@link dev.sparkd.core.db.EmbeddedPostgres} is our own small manager around zonky's binary jars
 * (not zonky's {@code EmbeddedPostgres} class, which cannot run as root and turns fsync off). Layout
 * ({@link dev.sparkd.core.db.HostDatabase}):
 *
 * <pre>
 * &lt;state_dir&gt;/postgres-binaries/18.6.0-x86_64/   unpacked once per version and architecture
 * &lt;state_dir&gt;/postgres/                          data directory (0700; owned by nobody when run as root)
 * &lt;state_dir&gt;/postgres.password                 the superuser's generated password (0600)
 * &lt;state_dir&gt;/postgres.port                     the port on 127.0.0.1, kept across restarts
 * &lt;state_dir&gt;/postgres.lock                     held while the server runs: one server per data directory
 * &lt;state_dir&gt;/log/postgresql.log                server log
 * &lt;state_dir&gt;/&lt;daemon&gt;/db.password              the daemon role's password (0600), written by sparkd migrate
 * </pre>
 *
 * <p>Everything here blocks on processes and files: use it from {@code main} before Quarkus starts, or
 * from a worker thread, never from a Vert.x event loop.
 */
package dev.sparkd.core.db;

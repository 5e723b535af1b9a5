/**
 * The embedded PostgreSQL a daemon runs when {@code [database] url} is not set.
 *
 * <p>{@link dev.sparkd.core.db.EmbeddedPostgres} is our own small manager around zonky's binary jars
 * (not zonky's {@code EmbeddedPostgres} class, which cannot run as root and turns fsync off). Layout
 * for {@code EmbeddedPostgresOptions.forDaemon(stateDir, "router")}:
 *
 * <pre>
 * &lt;state_dir&gt;/postgres-binaries/18.6.0-x86_64/   unpacked once, shared by the daemons, one dir per version
 * &lt;state_dir&gt;/router/postgres/                    data directory (0700; owned by nobody when run as root)
 * &lt;state_dir&gt;/router/postgres.password           generated password (0600)
 * &lt;state_dir&gt;/router/postgres.lock               held while the server runs: one server per data directory
 * &lt;state_dir&gt;/router/log/postgresql.log          server log
 * </pre>
 *
 * <p>Everything here blocks on processes and files: use it from {@code main} before Quarkus starts, or
 * from a worker thread, never from a Vert.x event loop.
 */
package dev.sparkd.core.db;

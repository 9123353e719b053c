// Command ferretdb runs the embeddable FerretDB v1 for the app's embedded
// database: on SQLite files (the default, --handler=sqlite) or on a PostgreSQL
// server (--handler=postgresql --postgresql-url=postgres://...). It exists
// because a plain `go install` of cmd/ferretdb panics
// (build/version/version.txt is missing from the module zip).
//
// It exits when its standard input closes, so the database never outlives the
// Node process that started it, even if that process crashes.
//
// One-shot modes, for consistent backups (each prints nothing and exits 0 on success):
//
//   - --snapshot-from=FILE --snapshot-to=FILE copies one SQLite database file as
//     it is at one moment (VACUUM INTO).
//   - --handler=postgresql [--postgresql-url=URL] --pg-snapshot-from=DB --pg-snapshot-to=DB
//     copies one FerretDB database (a PostgreSQL schema) as it is at one moment
//     into a new schema, in one REPEATABLE READ transaction.
//   - --handler=postgresql [--postgresql-url=URL] --pg-drop=DB drops such a copy.
//
// The PostgreSQL URL may also be given as FERRETDB_POSTGRESQL_URL in the environment (as the app does).
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // profiles on FERRETDB_PPROF_ADDR, for benchmarks only
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite" // the SQLite driver FerretDB itself uses
)

// snapshot copies a SQLite database that FerretDB may be writing to with
// VACUUM INTO, which reads the whole database in one read transaction: a
// consistent copy as of one moment. FerretDB keeps its files in WAL mode, where
// a reader neither blocks nor waits for writers, so the app carries on as usual.
func snapshot(from, to string) error {
	db, err := sql.Open("sqlite", "file:"+from+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec("VACUUM INTO ?", to)
	return err
}

// ensurePostgresDatabase creates the database named in the URL if the server
// does not have it yet (FerretDB itself needs it to exist), connecting to the
// server's "postgres" database to do so. A user without CREATEDB gets an error
// that says what to do.
func ensurePostgresDatabase(ctx context.Context, rawURL string) error {
	conn, err := pgx.Connect(ctx, rawURL)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name: the database does not exist
		return err
	}
	u, perr := url.Parse(rawURL)
	if perr != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin, aerr := pgx.Connect(ctx, u.String())
	if aerr != nil {
		return fmt.Errorf("database %q does not exist and the server's \"postgres\" database cannot be reached to create it: %w", name, aerr)
	}
	defer admin.Close(ctx)
	if _, cerr := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); cerr != nil {
		if errors.As(cerr, &pgErr) && pgErr.Code == "42P04" { // duplicate_database: created meanwhile
			return nil
		}
		return fmt.Errorf("database %q does not exist and could not be created (create it, or grant CREATEDB): %w", name, cerr)
	}
	return nil
}

// pgSnapshot copies every table of one FerretDB database (a schema: its
// metadata table and one table per collection) into a new schema, all read in
// one REPEATABLE READ transaction: a copy as of one moment, taken while
// FerretDB keeps writing (readers and writers do not block each other).
// The copy has no indexes beyond its metadata's; it is only read, by a second
// FerretDB started after it exists, then dropped with pgDrop.
func pgSnapshot(ctx context.Context, rawURL, from, to string) error {
	conn, err := pgx.Connect(ctx, rawURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	// The first query fixes the snapshot every later statement reads.
	rows, err := tx.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`, from)
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if len(tables) == 0 {
		return fmt.Errorf("there is no database %q to copy", from)
	}
	if _, err = tx.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{to}.Sanitize()); err != nil {
		return err
	}
	for _, table := range tables {
		q := fmt.Sprintf("CREATE TABLE %s AS TABLE %s", pgx.Identifier{to, table}.Sanitize(), pgx.Identifier{from, table}.Sanitize())
		if _, err = tx.Exec(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

func pgDrop(ctx context.Context, rawURL, schema string) error {
	conn, err := pgx.Connect(ctx, rawURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	return err
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on; empty for none")
	listenUnix := flag.String("listen-unix", "", "Unix domain socket to listen on (a path); empty for none")
	handler := flag.String("handler", "sqlite", "storage: sqlite or postgresql")
	sqliteURL := flag.String("sqlite-url", "file:./data/", "SQLite directory URI (--handler=sqlite); must end with /")
	// The URL may hold a password: the app passes it in the environment, which other users of the
	// machine cannot read, rather than on the command line, which they can (ps).
	postgresqlURL := flag.String("postgresql-url", os.Getenv("FERRETDB_POSTGRESQL_URL"), "PostgreSQL URL (--handler=postgresql), e.g. postgres://user:pass@host:5432/dbname, the database created if missing; default $FERRETDB_POSTGRESQL_URL")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("exit-on-stdin-close", true, "stop when standard input is closed")
	snapshotFrom := flag.String("snapshot-from", "", "copy this SQLite database file as of one moment to --snapshot-to, then exit")
	snapshotTo := flag.String("snapshot-to", "", "where --snapshot-from writes its copy (a new file)")
	pgSnapshotFrom := flag.String("pg-snapshot-from", "", "copy this FerretDB database on PostgreSQL as of one moment to --pg-snapshot-to, then exit")
	pgSnapshotTo := flag.String("pg-snapshot-to", "", "the new database --pg-snapshot-from writes its copy to")
	pgDropName := flag.String("pg-drop", "", "drop this FerretDB database on PostgreSQL (a snapshot copy), then exit")
	flag.Parse()

	if *snapshotFrom != "" {
		if err := snapshot(*snapshotFrom, *snapshotTo); err != nil {
			fail("snapshot of %s: %s", *snapshotFrom, err)
		}
		return
	}

	switch *handler {
	case "sqlite":
	case "postgresql":
		if *postgresqlURL == "" {
			fmt.Fprintln(os.Stderr, "ferretdb: --handler=postgresql needs --postgresql-url or FERRETDB_POSTGRESQL_URL")
			os.Exit(2)
		}
	default:
		fmt.Fprintf(os.Stderr, "ferretdb: bad --handler %q (sqlite or postgresql)\n", *handler)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *pgSnapshotFrom != "" || *pgDropName != "" {
		if *handler != "postgresql" {
			fmt.Fprintln(os.Stderr, "ferretdb: --pg-snapshot-from and --pg-drop need --handler=postgresql")
			os.Exit(2)
		}
		if *pgSnapshotFrom != "" {
			if err := pgSnapshot(ctx, *postgresqlURL, *pgSnapshotFrom, *pgSnapshotTo); err != nil {
				fail("snapshot of %s: %s", *pgSnapshotFrom, err)
			}
		}
		if *pgDropName != "" {
			if err := pgDrop(ctx, *postgresqlURL, *pgDropName); err != nil {
				fail("drop %s: %s", *pgDropName, err)
			}
		}
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --log-level %q\n", *logLevel)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listenAddr, Unix: *listenUnix},
		Logger:   logger,
		Handler:  *handler,
	}
	if *handler == "postgresql" {
		if err := ensurePostgresDatabase(ctx, *postgresqlURL); err != nil {
			fail("PostgreSQL: %s", err)
		}
		config.PostgreSQLURL = *postgresqlURL
	} else {
		config.SQLiteURL = *sqliteURL
	}

	f, err := ferretdb.New(config)
	if err != nil {
		fail("%s", err)
	}

	// FERRETDB_PPROF_ADDR=127.0.0.1:6060 serves Go's profiles (/debug/pprof/) there, so a benchmark can
	// see where FerretDB's CPU goes (npm run bench:load with BENCH_FERRETDB_PROFILE). Unset, nothing listens.
	if addr := os.Getenv("FERRETDB_PPROF_ADDR"); addr != "" {
		go func() {
			if err := http.ListenAndServe(addr, nil); err != nil {
				logger.Warn("pprof listener stopped", "error", err)
			}
		}()
	}

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	if err := f.Run(ctx); err != nil {
		fail("%s", err)
	}
}

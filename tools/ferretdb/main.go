// Command ferretdb runs the embeddable FerretDB v1 on SQLite for the app's
// embedded default database. It exists because a plain `go install` of
// cmd/ferretdb panics (build/version/version.txt is missing from the module zip).
//
// It exits when its standard input closes, so the database never outlives the
// Node process that started it, even if that process crashes.
//
// With --snapshot-from and --snapshot-to it instead copies one SQLite database
// file as it is at one moment (for consistent backups) and exits.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
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

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:./data/", "SQLite directory URI; must end with /")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("exit-on-stdin-close", true, "stop when standard input is closed")
	snapshotFrom := flag.String("snapshot-from", "", "copy this SQLite database file as of one moment to --snapshot-to, then exit")
	snapshotTo := flag.String("snapshot-to", "", "where --snapshot-from writes its copy (a new file)")
	flag.Parse()

	if *snapshotFrom != "" {
		if err := snapshot(*snapshotFrom, *snapshotTo); err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: snapshot of %s: %s\n", *snapshotFrom, err)
			os.Exit(1)
		}
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --log-level %q\n", *logLevel)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %s\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %s\n", err)
		os.Exit(1)
	}
}

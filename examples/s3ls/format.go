package main

import (
	"bufio"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// listing writes what `aws s3 ls` prints (AWS CLI v1 1.45, ListCommand in
// awscli/customizations/s3/subcommands.py), one page at a time, and keeps the totals that
// --summarize prints.
type listing struct {
	w             *bufio.Writer
	loc           *time.Location // the local time zone dates are shown in
	humanReadable bool
	// fullKeys prints whole keys (--recursive) instead of the part after the last "/".
	fullKeys bool
	// forTerminal shows names through terminalName, for standard output that is a terminal;
	// otherwise names are written byte for byte, as aws s3 ls writes them.
	forTerminal bool

	objects   int64
	totalSize int64
	// firstEmpty records an empty first page: the AWS CLI exits with status 1 when a prefix
	// was given and the first page is empty.
	firstEmpty bool
	pages      int
}

func newListing(w io.Writer, loc *time.Location, humanReadable, fullKeys bool) *listing {
	if loc == nil {
		loc = time.Local
	}
	return &listing{w: bufio.NewWriter(w), loc: loc, humanReadable: humanReadable, fullKeys: fullKeys}
}

// dateColumn formats t in the local zone as "YYYY-MM-DD HH:MM:SS" (19 columns).
func (l *listing) dateColumn(t time.Time) string {
	return t.In(l.loc).Format("2006-01-02 15:04:05")
}

// bucket prints one bucket line: its creation date and name.
func (l *listing) bucket(b bucketEntry) {
	l.w.WriteString(l.dateColumn(b.Created))
	l.w.WriteByte(' ')
	l.w.WriteString(l.name(b.Name))
	l.w.WriteByte('\n')
}

// page prints one ListObjectsV2 page: first its common prefixes, then its objects, as the AWS CLI
// does, and flushes so output streams page by page.
func (l *listing) page(p *objectPage) error {
	first := l.pages == 0
	l.pages++
	if len(p.Prefixes) == 0 && len(p.Objects) == 0 {
		if first {
			l.firstEmpty = true
		}
		return l.w.Flush()
	}
	for _, prefix := range p.Prefixes {
		l.w.WriteString(preColumn)
		l.w.WriteByte(' ')
		l.w.WriteString(l.name(prefixName(prefix)))
		l.w.WriteString("/\n")
	}
	for _, o := range p.Objects {
		l.objects++
		l.totalSize += o.Size
		l.w.WriteString(l.dateColumn(o.LastModified))
		l.w.WriteByte(' ')
		l.w.WriteString(leftPad(l.size(o.Size), 10))
		l.w.WriteByte(' ')
		if l.fullKeys {
			l.w.WriteString(l.name(o.Key))
		} else {
			l.w.WriteString(l.name(baseName(o.Key)))
		}
		l.w.WriteByte('\n')
	}
	return l.w.Flush()
}

// summary prints the --summarize lines: a blank line, then "Total Objects: N" and
// "   Total Size: N" (right-aligned labels, as the AWS CLI prints them).
func (l *listing) summary() error {
	l.w.WriteString("\nTotal Objects: ")
	l.w.WriteString(strconv.FormatInt(l.objects, 10))
	l.w.WriteString("\n   Total Size: ")
	l.w.WriteString(l.size(l.totalSize))
	l.w.WriteByte('\n')
	return l.w.Flush()
}

// name is how a bucket name, key or prefix is shown.
func (l *listing) name(s string) string {
	if l.forTerminal {
		return terminalName(s)
	}
	return s
}

// flush writes out anything buffered.
func (l *listing) flush() error { return l.w.Flush() }

func (l *listing) size(n int64) string {
	if l.humanReadable {
		return humanSize(n)
	}
	return strconv.FormatInt(n, 10)
}

// preColumn is "PRE" right-aligned in 30 columns.
var preColumn = strings.Repeat(" ", 27) + "PRE"

// prefixName is what the AWS CLI shows for a common prefix: the part between the last two "/"
// (for "photos/2024/" that is "2024"), and the whole prefix when it has no "/" at all.
func prefixName(prefix string) string {
	parts := strings.Split(prefix, "/")
	if len(parts) < 2 {
		// S3 always ends a common prefix with the delimiter; the AWS CLI would fail here. Show
		// the prefix whole rather than crash.
		return prefix
	}
	return parts[len(parts)-2]
}

// baseName is the part of key after its last "/" (empty for a "folder/" marker object).
func baseName(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}

func leftPad(s string, width int) string {
	if n := width - len([]rune(s)); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

var humanSuffixes = [...]string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}

// humanSize formats a byte count as the AWS CLI's human_readable_size does: "1 Byte",
// "N Bytes" under 1024, else one decimal and a base-2 unit ("1.0 KiB", "3.5 MiB"), moving up a
// unit when the value would round to 1024.0 (1048575 bytes is "1.0 MiB", not "1024.0 KiB").
func humanSize(n int64) string {
	v := float64(n)
	switch {
	case v == 1:
		return "1 Byte"
	case v < 1024:
		return strconv.FormatInt(n, 10) + " Bytes"
	}
	for i, suffix := range humanSuffixes {
		unit := math.Pow(1024, float64(i+2))
		// Python's round() rounds half to even.
		if math.RoundToEven(v/unit*1024) < 1024 {
			return strconv.FormatFloat(1024*v/unit, 'f', 1, 64) + " " + suffix
		}
	}
	// Unreachable for an int64, which is under 8 EiB.
	return strconv.FormatFloat(v/math.Pow(1024, 6), 'f', 1, 64) + " EiB"
}

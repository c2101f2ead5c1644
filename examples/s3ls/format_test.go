package main

import (
	"bytes"
	"testing"
	"time"
)

// The expected strings below are what awscli 1.45's human_readable_size returns for the same
// values (including its round-half-even edges).
func TestHumanSizeMatchesTheAWSCLI(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{
		{0, "0 Bytes"},
		{1, "1 Byte"},
		{2, "2 Bytes"},
		{1023, "1023 Bytes"},
		{1024, "1.0 KiB"},
		{1025, "1.0 KiB"},
		{1126, "1.1 KiB"},
		{1280, "1.2 KiB"}, // 1.25 rounds half to even
		{1792, "1.8 KiB"}, // 1.75 rounds half to even
		{1536, "1.5 KiB"},
		{10239, "10.0 KiB"},
		{1047040, "1022.5 KiB"},
		{1048063, "1023.5 KiB"},
		{1048064, "1.0 MiB"}, // 1023.5 KiB rounds to 1024 (half to even), so it moves up a unit
		{1048575, "1.0 MiB"},
		{1520435, "1.4 MiB"},
		{1073741823, "1.0 GiB"},
		{5497558138880, "5.0 TiB"},
		{1125899906842624, "1.0 PiB"},
		{1152921504606846976, "1.0 EiB"},
		{9223372036854775807, "8.0 EiB"},
	}
	for _, tc := range cases {
		if got := humanSize(tc.n); got != tc.want {
			t.Errorf("humanSize(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestListingLinesMatchTheAWSCLI(t *testing.T) {
	kolkata := time.FixedZone("IST", 5*3600+1800)
	mod := time.Date(2026, 1, 2, 20, 45, 6, 0, time.UTC) // 02:15:06 the next day in IST
	page := &objectPage{
		Prefixes: []string{"photos/2024/", "photos/raw/"},
		Objects: []object{
			{Key: "photos/", Size: 0, LastModified: mod},
			{Key: "photos/cat.jpg", Size: 1536, LastModified: mod},
			{Key: "photos/huge.bin", Size: 12345678901, LastModified: mod},
		},
	}
	cases := []struct {
		name                string
		human, full, summed bool
		want                string
	}{
		{name: "prefixes come first, right-aligned PRE, then objects with basename and a 10-column size", want: "" +
			"                           PRE 2024/\n" +
			"                           PRE raw/\n" +
			"2026-01-03 02:15:06          0 \n" +
			"2026-01-03 02:15:06       1536 cat.jpg\n" +
			"2026-01-03 02:15:06 12345678901 huge.bin\n"},
		{name: "recursive listings print whole keys", full: true, want: "" +
			"                           PRE 2024/\n" +
			"                           PRE raw/\n" +
			"2026-01-03 02:15:06          0 photos/\n" +
			"2026-01-03 02:15:06       1536 photos/cat.jpg\n" +
			"2026-01-03 02:15:06 12345678901 photos/huge.bin\n"},
		{name: "human-readable sizes are right-aligned too, and the summary uses them", human: true, summed: true, want: "" +
			"                           PRE 2024/\n" +
			"                           PRE raw/\n" +
			"2026-01-03 02:15:06    0 Bytes \n" +
			"2026-01-03 02:15:06    1.5 KiB cat.jpg\n" +
			"2026-01-03 02:15:06   11.5 GiB huge.bin\n" +
			"\nTotal Objects: 3\n   Total Size: 11.5 GiB\n"},
		{name: "the summary counts objects, not prefixes, and sums bytes", summed: true, want: "" +
			"                           PRE 2024/\n" +
			"                           PRE raw/\n" +
			"2026-01-03 02:15:06          0 \n" +
			"2026-01-03 02:15:06       1536 cat.jpg\n" +
			"2026-01-03 02:15:06 12345678901 huge.bin\n" +
			"\nTotal Objects: 3\n   Total Size: 12345680437\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := newListing(&buf, kolkata, tc.human, tc.full)
			if err := l.page(page); err != nil {
				t.Fatal(err)
			}
			if tc.summed {
				if err := l.summary(); err != nil {
					t.Fatal(err)
				}
			}
			if buf.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", buf.String(), tc.want)
			}
		})
	}
}

func TestBucketLinesAreLocalDateAndName(t *testing.T) {
	var buf bytes.Buffer
	l := newListing(&buf, time.FixedZone("X", -7*3600), false, false)
	l.bucket(bucketEntry{Name: "my-bucket", Created: time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)})
	if err := l.flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "2025-12-31 20:00:00 my-bucket\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPrefixNameIsTheLastComponentAsTheAWSCLIShowsIt(t *testing.T) {
	for prefix, want := range map[string]string{
		"a/":       "a",
		"a/b/c/":   "c",
		"a//":      "",
		"no-slash": "no-slash",
	} {
		if got := prefixName(prefix); got != want {
			t.Errorf("prefixName(%q) = %q, want %q", prefix, got, want)
		}
	}
}

func TestAnEmptyFirstPageIsRemembered(t *testing.T) {
	var buf bytes.Buffer
	l := newListing(&buf, time.UTC, false, false)
	_ = l.page(&objectPage{})
	if !l.firstEmpty || buf.Len() != 0 {
		t.Fatalf("firstEmpty %v, output %q", l.firstEmpty, buf.String())
	}
	l = newListing(&buf, time.UTC, false, false)
	_ = l.page(&objectPage{Prefixes: []string{"a/"}})
	_ = l.page(&objectPage{})
	if l.firstEmpty {
		t.Fatal("an empty later page counted as an empty first page")
	}
}
